package generator

import (
	"testing"

	"github.com/modgen-dev/modgen/generator/tree"
)

func TestSingular(t *testing.T) {
	for _, tc := range []struct{ plural, want string }{
		{"pedidos", "pedido"},
		{"produtos", "produto"},
		{"notificacoes", "notificacao"},
		{"items", "item"},
		{"categories", "category"},
		{"addresses", "address"},
		{"boxes", "box"},
		{"batches", "batch"},
		{"cases", "case"},
		{"estoque", "estoque"},
		{"status", "status"},
		{"access", "access"},
		{"analysis", "analysis"},
		{"as", "as"},
		{"pedido2s", "pedido2"},
	} {
		if got := Singular(tc.plural); got != tc.want {
			t.Errorf("Singular(%q) = %q; want %q", tc.plural, got, tc.want)
		}
	}
}

func TestDefaultEntity(t *testing.T) {
	for _, tc := range []struct{ module, want string }{
		{"pedidos", "Pedido"},
		{"notificacoes", "Notificacao"},
		{"estoque", "Estoque"},
		{"modules", "Modules"}, // "Module" is declared by every module package
		{"news", "News"},       // so is "New"
	} {
		if got := defaultEntity(tc.module); got != tc.want {
			t.Errorf("defaultEntity(%q) = %q; want %q", tc.module, got, tc.want)
		}
		if err := tree.ValidateEntity(defaultEntity(tc.module)); err != nil {
			t.Errorf("defaultEntity(%q) is not a valid entity: %v", tc.module, err)
		}
	}
}

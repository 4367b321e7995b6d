package generator

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// ManifestFile is the name of the manifest at the project root.
const ManifestFile = "modgen.yaml"

// Manifest is modgen.yaml: what modgen knows about a project.
type Manifest struct {
	// Modgen is the version of modgen that last wrote the manifest.
	Modgen string `yaml:"modgen"`
	// Module is the Go module path of the project.
	Module string `yaml:"module"`
	// Name is the project name (the folder and binary name).
	Name string `yaml:"name"`
	// Database is the default database driver of the project.
	Database string   `yaml:"database"`
	Modules  []Module `yaml:"modules"`
	// Files maps each scaffolded file to the hash of its content as modgen
	// wrote it, to tell whether the user has edited it since.
	Files map[string]string `yaml:"files"`
}

// Module is one module of the project.
type Module struct {
	Name      string   `yaml:"name"`
	Entity    string   `yaml:"entity"`
	DependsOn []string `yaml:"depends_on,omitempty"`
	// Extracted is set once the module has been extracted to its own gRPC
	// service.
	Extracted *Extraction `yaml:"extracted,omitempty"`
}

// Extraction records how an extracted module is served.
type Extraction struct {
	Port int `yaml:"port"`
}

// ErrNotProject is returned when no modgen.yaml is found.
var ErrNotProject = errors.New("not a modgen project")

// Find returns the module called name, or nil.
func (m *Manifest) Find(name string) *Module {
	for i := range m.Modules {
		if m.Modules[i].Name == name {
			return &m.Modules[i]
		}
	}
	return nil
}

func errNotProject(dir string) error {
	abs, _ := filepath.Abs(dir)
	return fmt.Errorf("%w: no %s in %s; run modgen inside a project made by `modgen new project`, or pass -C DIR", ErrNotProject, ManifestFile, abs)
}

// LoadManifest reads modgen.yaml from the project root dir.
func LoadManifest(dir string) (*Manifest, error) {
	data, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, errNotProject(dir)
	}
	if err != nil {
		return nil, err
	}
	var m Manifest
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("%s: %v; fix the file or restore it from version control", ManifestFile, err)
	}
	if m.Module == "" {
		return nil, fmt.Errorf("%s: the module path is missing; add `module: <go module path>`", ManifestFile)
	}
	if m.Files == nil {
		m.Files = map[string]string{}
	}
	return &m, nil
}

// Marshal renders the manifest deterministically, with a header comment.
func (m *Manifest) Marshal() []byte {
	var buf bytes.Buffer
	buf.WriteString("# modgen manifest: the project's modules and their dependencies.\n")
	buf.WriteString("# modgen rewrites this file; the `files` hashes tell it which scaffolded files you edited.\n")
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	c := *m
	c.Modules = slices.Clone(m.Modules)
	slices.SortFunc(c.Modules, func(a, b Module) int { return strings.Compare(a.Name, b.Name) })
	if err := enc.Encode(&c); err != nil {
		panic(err) // plain structs always encode
	}
	_ = enc.Close()
	return buf.Bytes()
}

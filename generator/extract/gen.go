package extract

import (
	"fmt"

	"github.com/dave/jennifer/jen"
	"github.com/modgen-dev/modgen/generator/tree"
)

// generateGo produces every Go file of an extraction from the contract and
// its compiled .proto.
func generateGo(c *contract, pf *protoFile, protoSrc []byte) ([]tree.File, error) {
	if !c.module.ok {
		return nil, fmt.Errorf("cmd/%s needs %s in internal/%s to build the service; the module scaffold (modgen add module) has it", c.pkgName, c.module.missing, c.pkgName)
	}
	if !c.project.database || !c.project.outbox || !c.project.requestID {
		return nil, fmt.Errorf("the %s service needs Open and Migrate in pkg/database, New in pkg/outbox and RequestID and WithRequestID in pkg/server, as `modgen new project` writes them", c.pkgName)
	}
	req, err := codeGeneratorRequest(pf.name, protoSrc)
	if err != nil {
		return nil, err
	}
	pbSrc, pbFile, err := generatePB(req)
	if err != nil {
		return nil, err
	}
	dir := "internal/" + c.pkgName + "/" + c.pkgName + "pb/"
	files := []tree.File{generated(dir+c.pkgName+".pb.go", pbSrc)}
	stubPath := dir + c.pkgName + "_grpc.pb.go"
	stubs, err := grpcStubs(pbFile, stubPath)
	if err != nil {
		return nil, err
	}
	files = append(files, generated(stubPath, stubs))

	pb := newPBIndex(pbFile)
	adir := "internal/" + c.pkgName + "/" + c.adapterName() + "/"
	conv := newAdapterFile(c)
	cv := newConverter(c, pb, conv)
	for _, m := range c.messages {
		cv.messageToPB(m)
		cv.messageFromPB(m)
	}
	server := serverFile(c, pb, cv)
	client := clientFile(c, pb, cv)
	cv.flush()
	errs := errorsFile(c)
	for _, out := range []struct {
		name string
		f    *jen.File
	}{{"server.go", server}, {"client.go", client}, {"convert.go", conv}, {"errors.go", errs}} {
		src, err := render(out.f, adir+out.name)
		if err != nil {
			return nil, err
		}
		files = append(files, generated(adir+out.name, src))
	}
	src, err := render(contractTest(c), adir+"contract_test.go")
	if err != nil {
		return nil, err
	}
	files = append(files, generated(adir+"contract_test.go", src))
	return files, nil
}

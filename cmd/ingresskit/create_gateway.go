package main

import (
	"fmt"

	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/migrate"
)

// createGatewayAPI translates the new Ingress (doc, as printed) with the
// translator of ingresskit convert --to gateway-api and prints the objects
// made from it: the HTTPRoute (and any ReferenceGrant), attached to
// --gateway, or a Gateway of its own without it. What the translation
// cannot carry over is printed on stderr.
func createGatewayAPI(opts *createIngressOptions, doc []byte, existing *manifest.Set) error {
	io := opts.IO
	set, err := manifest.Parse(newObjectName, doc, manifest.Options{Namespace: opts.namespace})
	if err != nil {
		return err
	}
	if existing != nil {
		// The Gateway named by --gateway may be among the manifests;
		// the translator checks its listeners then. Only the new
		// Ingress is translated.
		set.Gateways = append(set.Gateways, existing.Gateways...)
	}
	res, err := migrate.Translate(set, migrate.Options{Gateway: opts.Gateway, Controller: opts.Controller})
	if err != nil {
		return &usageError{err: err}
	}
	s := io.ErrStyles()
	for _, f := range res.Findings {
		fmt.Fprintf(io.ErrOut, "%s %s\n", s.Warning("warning:"), f)
	}
	var out []byte
	if opts.Output == "json" {
		out, err = migrate.JSON(res.Objects)
	} else {
		out, err = migrate.YAML(res.Objects)
	}
	if err != nil {
		return err
	}
	_, err = io.Out.Write(out)
	return err
}

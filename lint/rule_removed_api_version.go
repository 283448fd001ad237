package lint

import (
	"errors"
	"fmt"

	"github.com/ingresskit/ingresskit/convert"
	"github.com/ingresskit/ingresskit/manifest"
)

var removedAPIVersion = &Rule{
	ID:       "removed-api-version",
	Severity: Error,
	Default:  true,
	Summary:  "The object uses an Ingress or IngressClass API version that Kubernetes no longer serves.",
	Doc: `Kubernetes 1.22 stopped serving Ingress in ` + "`extensions/v1beta1`" + ` and
` + "`networking.k8s.io/v1beta1`" + `, and IngressClass in
` + "`networking.k8s.io/v1beta1`" + ` (kubernetes.io docs, "Deprecated API Migration
Guide", section v1.22). ` + "`kubectl apply`" + ` of such a manifest fails with "no
matches for kind". The v1 form renames ` + "`serviceName`" + `/` + "`servicePort`" + ` to
` + "`service.name`" + `/` + "`service.port`" + `, ` + "`backend`" + ` to ` + "`defaultBackend`" + `, and requires
` + "`pathType`" + ` (the old default was ImplementationSpecific).

**What to do:** run ` + "`ingresskit lint --fix`" + ` or ` + "`ingresskit convert`" + `, which
rewrite the file in place and keep its comments.`,
	Check: checkRemovedAPIVersion,
	Fix:   fixRemovedAPIVersion,
}

func checkRemovedAPIVersion(p *Pass) {
	for _, ing := range p.Set.Ingresses {
		switch v := ing.Source.APIVersion; v {
		case manifest.ExtensionsV1beta1, manifest.NetworkingV1beta1:
			p.Report(ing, "apiVersion", fmt.Sprintf("apiVersion %s is no longer served for Ingress (removed in Kubernetes 1.22); convert to %s with ingresskit convert", v, manifest.NetworkingV1))
		}
	}
	for _, c := range p.Set.IngressClasses {
		if v := c.Source.APIVersion; v == manifest.NetworkingV1beta1 {
			p.ReportObject(IngressClassObject(c), "apiVersion", fmt.Sprintf("apiVersion %s is no longer served for IngressClass (removed in Kubernetes 1.22); change it to %s, the fields are the same", v, manifest.NetworkingV1))
		}
	}
}

// fixRemovedAPIVersion converts the whole file with the convert package,
// which rewrites only the fields that change. Converting is idempotent, so
// several findings in one file are repaired by the first call.
func fixRemovedAPIVersion(data []byte, f Finding) ([]byte, error) {
	out, _, err := convert.Bytes(f.Pos.File, data, convert.Options{})
	if err != nil {
		var le *manifest.LoadError
		if errors.As(err, &le) && len(le.Errors) > 0 {
			return nil, le.Errors[0]
		}
		return nil, err
	}
	return out, nil
}

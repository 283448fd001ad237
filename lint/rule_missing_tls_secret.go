package lint

var missingTLSSecret = &Rule{
	ID:       "missing-tls-secret",
	Severity: Error,
	Default:  true,
	Summary:  "A TLS entry names a Secret that is not in the input.",
	Doc: `A ` + "`spec.tls`" + ` entry's ` + "`secretName`" + ` must name a Secret in the Ingress's
namespace that holds the certificate and key. Without it controllers fall back
to a default certificate that browsers reject (ingress-nginx serves its
self-signed "Kubernetes Ingress Controller Fake Certificate"; see
docs/user-guide/tls.md in kubernetes/ingress-nginx), or do not program HTTPS
at all. lint looks among the manifests it was given; a Secret created
elsewhere (cert-manager, a sealed secret) can be suppressed with the
` + "`ingresskit.dev/ignore`" + ` annotation.

**What to do:** add the Secret's manifest to the input (` + "`ingresskit certgen`" + `
makes one for local use), or fix the name.`,
	Check: checkMissingTLSSecret,
}

func checkMissingTLSSecret(p *Pass) {
	for _, ing := range p.Set.Ingresses {
		for i, t := range ing.Spec.TLS {
			if t.SecretName == "" || p.Set.Secret(ing.Namespace, t.SecretName) != nil {
				continue
			}
			where, todo := p.missingFrom("add its manifest (-f), create it (ingresskit certgen)",
				"create it there (kubectl create secret tls, or ingresskit certgen | kubectl apply -f -)")
			p.Reportf(ing, tlsSecretField(i), "TLS Secret %s/%s is not in %s; %s, or fix the name", ing.Namespace, t.SecretName, where, todo)
		}
	}
}

package lint

import "fmt"

var istioMissingCredential = &Rule{
	ID:       "istio-missing-credential",
	Severity: Error,
	Default:  true,
	Summary:  "An Istio Gateway server's tls.credentialName names a Secret that is not in the input.",
	Doc: `A Gateway server with ` + "`tls.credentialName`" + ` takes its certificate and key
from the Secret of that name; without it the gateway does not serve TLS on
that server and handshakes fail (ServerTLSSettings.credentialName in
https://istio.io/latest/docs/reference/config/networking/gateway/). Istio
reads the Secret from the namespace of the gateway deployment, which lint
cannot see: it assumes the deployment runs in the Gateway's own namespace,
and looks for the Secret there. When the gateway deployment runs elsewhere
(istio-system), suppress the rule on the Gateway with the
` + "`ingresskit.dev/ignore`" + ` annotation.

**What to do:** add the Secret's manifest to the input (` + "`ingresskit certgen`" + `
makes one for local use), or fix the name.`,
	Check: checkIstioMissingCredential,
}

func checkIstioMissingCredential(p *Pass) {
	for _, gw := range p.Set.IstioGateways {
		for i, s := range gw.Spec.Servers {
			if s.TLS == nil || s.TLS.CredentialName == "" || p.Set.Secret(gw.Namespace, s.TLS.CredentialName) != nil {
				continue
			}
			where, todo := p.missingFrom("add its manifest (-f), create it (ingresskit certgen)",
				"create it there (kubectl create secret tls, or ingresskit certgen | kubectl apply -f -)")
			p.ReportObject(IstioGatewayObject(gw), fmt.Sprintf("spec.servers[%d].tls.credentialName", i),
				fmt.Sprintf("TLS Secret %s/%s is not in %s; %s, or fix the name", gw.Namespace, s.TLS.CredentialName, where, todo))
		}
	}
}

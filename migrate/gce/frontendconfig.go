package gce

import (
	"fmt"

	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/migrate"
)

// frontendField is the API-server path of the FrontendConfig annotation.
var frontendField = "metadata.annotations." + manifest.FrontendConfigAnnotation

// redirectCodes are the FrontendConfig redirect response codes
// (pkg/apis/frontendconfig/v1beta1/types.go HttpsRedirectConfig; the
// Compute API's HttpRedirectAction.redirectResponseCode, which
// pkg/composite/gen.go documents, adds SEE_OTHER).
var redirectCodes = map[string]int{
	"":                          301,
	"MOVED_PERMANENTLY_DEFAULT": 301,
	"FOUND":                     302,
	"SEE_OTHER":                 303,
	"TEMPORARY_REDIRECT":        307,
	"PERMANENT_REDIRECT":        308,
}

// frontendConfig reads the FrontendConfig the Ingress names: with
// spec.redirectToHttps enabled, ingress-gce gives the HTTP forwarding
// rule a URL map whose default action redirects every request to https
// (pkg/translator/translator.go, ToRedirectUrlMap), which the
// translation makes a RequestRedirect route on the http listener for
// each host. sslPolicy is reported with what to use instead.
func (r *reader) frontendConfig() {
	tr, ing := r.t.tr, r.ing
	name, ok := ing.Annotations[manifest.FrontendConfigAnnotation]
	if !ok {
		return
	}
	fc := tr.Set().FrontendConfig(ing.Namespace, name)
	if fc == nil {
		tr.Report(ing, frontendField, migrate.Warning, fmt.Sprintf("FrontendConfig %s/%s is not in the input, so what it configures (an HTTPS redirect, an SSL policy) is not translated: add its manifest (-f)", ing.Namespace, name))
		return
	}
	if fc.Spec.SslPolicy != nil {
		tr.Report(ing, frontendField, migrate.Warning, fmt.Sprintf("FrontendConfig %s sets sslPolicy %s, which no standard Gateway API field carries: on GKE's Gateway use a GCPGatewayPolicy's sslPolicy, elsewhere your implementation's TLS policy", fc.Key(), *fc.Spec.SslPolicy))
	}
	rd := fc.Spec.RedirectToHttps
	if rd == nil || !rd.Enabled {
		return
	}
	code, ok := redirectCodes[rd.ResponseCodeName]
	if !ok {
		tr.Report(ing, frontendField, migrate.Warning, fmt.Sprintf("FrontendConfig %s redirectToHttps.responseCodeName %q is not one the load balancer accepts; the redirect is not translated", fc.Key(), rd.ResponseCodeName))
		return
	}
	r.redirect = &migrate.HTTPSRedirect{Code: code}
	r.redirectFrom = fc.Key()
}

// HTTPSRedirect is the FrontendConfig's redirect, for every host of the
// Ingress.
func (r *reader) HTTPSRedirect(host string) *migrate.HTTPSRedirect {
	if r.redirect == nil {
		return nil
	}
	if host == "" {
		host = "<any host>"
	}
	out := *r.redirect
	out.NoListener = fmt.Sprintf("ingress-gce redirects http://%s to https (FrontendConfig %s redirectToHttps), and no HTTPS listener holds a certificate for this host (pre-shared and Google-managed certificates are not Secrets), so the redirect is not translated: add an HTTPS listener with the certificate and a route on the http listener with a RequestRedirect scheme https, code %d", host, r.redirectFrom, out.Code)
	return &out
}

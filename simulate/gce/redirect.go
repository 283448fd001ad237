package gce

import (
	"fmt"
	"strings"

	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/simulate"
)

// redirectCodes are the FrontendConfig redirect response codes
// (kubernetes/ingress-gce pkg/apis/frontendconfig/v1beta1/types.go
// HttpsRedirectConfig; SEE_OTHER from the Compute API's
// HttpRedirectAction, pkg/composite/gen.go).
var redirectCodes = map[string]int{
	"": 301, "MOVED_PERMANENTLY_DEFAULT": 301, "FOUND": 302, "SEE_OTHER": 303,
	"TEMPORARY_REDIRECT": 307, "PERMANENT_REDIRECT": 308,
}

// httpsRedirect is the redirect of an Ingress whose FrontendConfig
// enables redirectToHttps.
type httpsRedirect struct {
	code int
	from string // the FrontendConfig, namespace/name
}

// redirects returns the HTTPS redirect of each host of the Ingresses whose
// FrontendConfig (the networking.gke.io/v1beta1.FrontendConfig
// annotation) enables redirectToHttps: ingress-gce gives the Ingress's
// HTTP forwarding rule a URL map whose default action redirects every
// request to https (pkg/translator/translator.go, ToRedirectUrlMap). The
// oldest Ingress of a host decides, as it does for the host's paths.
func redirects(set *manifest.Set, ings []*manifest.Ingress) map[string]httpsRedirect {
	var out map[string]httpsRedirect
	for _, ing := range ings {
		name, ok := ing.Annotations[manifest.FrontendConfigAnnotation]
		if !ok {
			continue
		}
		fc := set.FrontendConfig(ing.Namespace, name)
		if fc == nil || fc.Spec.RedirectToHttps == nil || !fc.Spec.RedirectToHttps.Enabled {
			continue
		}
		code, ok := redirectCodes[fc.Spec.RedirectToHttps.ResponseCodeName]
		if !ok {
			continue
		}
		for _, r := range ing.Spec.Rules {
			h := strings.ToLower(r.Host)
			if out == nil {
				out = map[string]httpsRedirect{}
			}
			if _, seen := out[h]; !seen {
				out[h] = httpsRedirect{code: code, from: fc.Key()}
			}
		}
	}
	return out
}

// redirect answers an http request for a host whose Ingress's
// FrontendConfig redirects to https: the path and query are kept
// (HttpRedirectAction stripQuery defaults to false).
func (g Profile) redirect(d *simulate.Decision, req simulate.Request) {
	if strings.EqualFold(req.Scheme, "https") || len(g.https) == 0 {
		return
	}
	rd, ok := g.https[d.RequestHost]
	if !ok {
		return
	}
	host := req.Host
	if i := strings.LastIndexByte(host, ':'); i > 0 && !strings.Contains(host[i:], "]") {
		host = host[:i]
	}
	path := req.Path
	if path == "" {
		path = "/"
	}
	d.Redirect, d.RedirectCode = "https://"+host+path, rd.code
	d.Notes = append(d.Notes, fmt.Sprintf("FrontendConfig %s redirectToHttps: the HTTP frontend redirects every request to https with %d", rd.from, rd.code))
}

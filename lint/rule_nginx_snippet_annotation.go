package lint

import "fmt"

// nginxSnippets are the annotations that paste raw NGINX configuration,
// rated Critical in kubernetes/ingress-nginx
// docs/user-guide/nginx-configuration/annotations-risk.md.
var nginxSnippets = []string{"auth-snippet", "configuration-snippet", "modsecurity-snippet", "server-snippet", "stream-snippet"}

var nginxSnippetAnnotation = &Rule{
	ID:       "nginx-snippet-annotation",
	Severity: Warning,
	Default:  true,
	Summary:  "An ingress-nginx snippet annotation injects raw NGINX configuration.",
	Doc: `Snippet annotations (` + "`configuration-snippet`" + `, ` + "`server-snippet`" + `,
` + "`auth-snippet`" + `, ` + "`modsecurity-snippet`" + `, ` + "`stream-snippet`" + `) paste text into the
controller's nginx.conf. Anyone who can write an Ingress can then read the
controller's service-account token and every Secret it sees (CVE-2021-25742),
so ingress-nginx rates them Critical
(docs/user-guide/nginx-configuration/annotations-risk.md) and, since
controller v1.9.0, ignores them unless the ConfigMap sets
` + "`allow-snippet-annotations: \"true\"`" + ` (docs/user-guide/nginx-configuration/configmap.md).
With the default configuration the annotation does nothing at all.

**What to do:** use a dedicated annotation where one exists (headers,
redirects, rewrites, CORS, rate limits), or move the configuration into the
controller's ConfigMap.`,
	Check: checkNginxSnippetAnnotation,
}

func checkNginxSnippetAnnotation(p *Pass) {
	for _, ing := range p.Set.Ingresses {
		for _, s := range nginxSnippets {
			k := nginxPrefix + s
			if _, ok := ing.Annotations[k]; ok {
				p.Report(ing, "metadata.annotations."+k, fmt.Sprintf("annotation %s injects raw NGINX configuration (CVE-2021-25742) and is ignored unless allow-snippet-annotations is on; use a dedicated annotation instead", k))
			}
		}
	}
}

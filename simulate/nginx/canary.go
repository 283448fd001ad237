package nginx

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"

	networkingv1 "k8s.io/api/networking/v1"

	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/simulate"
)

// chooseCanary applies the canary rules of the first canary merged into
// the winning backend's upstream, as balancer.lua
// route_to_alternative_balancer does: canary-by-header ("always",
// "never", or canary-by-header-value, or canary-by-header-pattern), then
// canary-by-cookie ("always", "never"), then canary-weight out of
// canary-weight-total (100 unless set higher). A random weight cannot be
// decided offline: the primary is kept and the weights are shown.
func (st *nginxState) chooseCanary(d *simulate.Decision, req simulate.Request) {
	if d.Ingress == nil || d.Backend.Service == nil {
		return
	}
	c := st.canaries[upstreamKey(d.Ingress.Namespace, d.Backend)]
	if c == nil {
		return
	}
	canary := fmt.Sprintf("%s/%s (Ingress %s)", c.ing.Namespace, manifest.BackendString(c.backend), c.ing.Key())
	use, random, why := c.choose(req.Header)
	if random {
		// Both backends answer, by weight: shown as the split, as a
		// Gateway API answer shows its weighted backendRefs.
		total := c.cfg.weightTotalOr100()
		d.Backends = []simulate.WeightedBackend{
			weightedIngressBackend(d.Ingress.Namespace, d.Backend, int32(total-c.cfg.weight)),
			weightedIngressBackend(c.ing.Namespace, c.backend, int32(c.cfg.weight)),
		}
	}
	if use {
		d.Notes = append(d.Notes, fmt.Sprintf("canary %s chosen: %s; the primary backend is %s/%s", canary, why, d.Ingress.Namespace, manifest.BackendString(d.Backend)))
		d.Backend = c.backend
		return
	}
	d.Notes = append(d.Notes, fmt.Sprintf("canary %s not chosen: %s", canary, why))
}

// weightTotalOr100 is canary-weight-total, 100 unless set higher.
func (cfg nginxCanaryConfig) weightTotalOr100() int {
	if cfg.weightTotal > 100 {
		return cfg.weightTotal
	}
	return 100
}

// weightedIngressBackend is an Ingress backend with its share of requests.
func weightedIngressBackend(ns string, b networkingv1.IngressBackend, weight int32) simulate.WeightedBackend {
	wb := simulate.WeightedBackend{Kind: "Service", Namespace: ns, Weight: weight}
	if b.Service != nil {
		wb.Name, wb.Port = b.Service.Name, b.Service.Port.Number
	}
	return wb
}

// choose decides for one request's headers; random reports that the
// canary's weight decides at random, per request.
func (c *nginxCanary) choose(h http.Header) (use, random bool, why string) {
	cfg := c.cfg
	if cfg.header != "" {
		if v := h.Get(cfg.header); v != "" {
			switch {
			case cfg.headerValue != "":
				if v == cfg.headerValue {
					return true, false, fmt.Sprintf("header %s: %s", cfg.header, v)
				}
			case cfg.headerPattern != "":
				// ngx.re.match is PCRE; RE2 answers for the common
				// subset, and a bad pattern does not match.
				if re, err := regexp.Compile(cfg.headerPattern); err == nil && re.MatchString(v) {
					return true, false, fmt.Sprintf("header %s: %s matches %s", cfg.header, v, cfg.headerPattern)
				}
			case v == "always":
				return true, false, fmt.Sprintf("header %s: always", cfg.header)
			case v == "never":
				return false, false, fmt.Sprintf("header %s: never", cfg.header)
			}
		}
	}
	if cfg.cookie != "" {
		r := &http.Request{Header: h}
		if ck, err := r.Cookie(cfg.cookie); err == nil {
			switch ck.Value {
			case "always":
				return true, false, fmt.Sprintf("cookie %s=always", cfg.cookie)
			case "never":
				return false, false, fmt.Sprintf("cookie %s=never", cfg.cookie)
			}
		}
	}
	total := 100
	if cfg.weightTotal > 100 {
		total = cfg.weightTotal
	}
	var by []string
	if cfg.header != "" {
		by = append(by, "--header "+cfg.header+": always")
	}
	if cfg.cookie != "" {
		by = append(by, "--cookie "+cfg.cookie+"=always")
	}
	hint := ""
	if len(by) > 0 {
		hint = "; choose it with " + strings.Join(by, " or ")
	}
	switch {
	case cfg.weight >= total:
		return true, false, fmt.Sprintf("weight %d/%d sends every request to the canary", cfg.weight, total)
	case cfg.weight <= 0:
		return false, false, fmt.Sprintf("weight 0/%d%s", total, hint)
	}
	return false, true, fmt.Sprintf("weight %d/%d: the canary gets %d%% of requests at random, the primary is shown%s",
		cfg.weight, total, cfg.weight*100/total, hint)
}

package simulate

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"github.com/ingresskit/ingresskit/manifest"
)

// chooseCanary applies the canary rules of the first canary merged into
// the winning backend's upstream, as balancer.lua
// route_to_alternative_balancer does: canary-by-header ("always",
// "never", or canary-by-header-value, or canary-by-header-pattern), then
// canary-by-cookie ("always", "never"), then canary-weight out of
// canary-weight-total (100 unless set higher). A random weight cannot be
// decided offline: the primary is kept and the weights are shown.
func (st *nginxState) chooseCanary(d *Decision, req Request) {
	if d.Ingress == nil || d.Backend.Service == nil {
		return
	}
	c := st.canaries[upstreamKey(d.Ingress.Namespace, d.Backend)]
	if c == nil {
		return
	}
	canary := fmt.Sprintf("%s/%s (Ingress %s)", c.ing.Namespace, manifest.BackendString(c.backend), c.ing.Key())
	use, why := c.choose(req.Header)
	if use {
		d.Notes = append(d.Notes, fmt.Sprintf("canary %s chosen: %s; the primary backend is %s/%s", canary, why, d.Ingress.Namespace, manifest.BackendString(d.Backend)))
		d.Backend = c.backend
		return
	}
	d.Notes = append(d.Notes, fmt.Sprintf("canary %s not chosen: %s", canary, why))
}

// choose decides for one request's headers.
func (c *nginxCanary) choose(h http.Header) (bool, string) {
	cfg := c.cfg
	if cfg.header != "" {
		if v := h.Get(cfg.header); v != "" {
			switch {
			case cfg.headerValue != "":
				if v == cfg.headerValue {
					return true, fmt.Sprintf("header %s: %s", cfg.header, v)
				}
			case cfg.headerPattern != "":
				// ngx.re.match is PCRE; RE2 answers for the common
				// subset, and a bad pattern does not match.
				if re, err := regexp.Compile(cfg.headerPattern); err == nil && re.MatchString(v) {
					return true, fmt.Sprintf("header %s: %s matches %s", cfg.header, v, cfg.headerPattern)
				}
			case v == "always":
				return true, fmt.Sprintf("header %s: always", cfg.header)
			case v == "never":
				return false, fmt.Sprintf("header %s: never", cfg.header)
			}
		}
	}
	if cfg.cookie != "" {
		r := &http.Request{Header: h}
		if ck, err := r.Cookie(cfg.cookie); err == nil {
			switch ck.Value {
			case "always":
				return true, fmt.Sprintf("cookie %s=always", cfg.cookie)
			case "never":
				return false, fmt.Sprintf("cookie %s=never", cfg.cookie)
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
		return true, fmt.Sprintf("weight %d/%d sends every request to the canary", cfg.weight, total)
	case cfg.weight <= 0:
		return false, fmt.Sprintf("weight 0/%d%s", total, hint)
	}
	return false, fmt.Sprintf("weight %d/%d: the canary gets %d%% of requests at random, the primary is shown%s",
		cfg.weight, total, cfg.weight*100/total, hint)
}

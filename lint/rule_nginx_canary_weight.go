package lint

import (
	"fmt"
	"strconv"
	"strings"
)

var nginxCanaryWeight = &Rule{
	ID:       "nginx-canary-weight",
	Severity: Warning,
	Default:  true,
	Summary:  "An ingress-nginx canary weight is not a whole number between 0 and the weight total, so the canary gets another share of traffic than written.",
	Doc: `A canary gets ` + "`canary-weight`" + ` requests out of ` + "`canary-weight-total`" + `
at random (kubernetes/ingress-nginx
rootfs/etc/nginx/lua/balancer.lua, route_to_alternative_balancer:
` + "`math.random(weightTotal) <= weight`" + `). The controller reads both as integers
and falls back when they do not parse: the weight to 0, the total to 100
(internal/ingress/annotations/canary/main.go). The balancer uses the total
only when it is above 100. So:

- a weight that is not an integer (` + "`\"20%\"`" + `, ` + "`\"0.5\"`" + `) sends no request to the
  canary by weight;
- a negative weight sends none; a weight above the total sends every request;
- a total below 100 is ignored, and the weight is read out of 100;
- a total that is not an integer is read as 100.

**What to do:** write the weight as a whole number from 0 to the total, and a
total of 100 or more.`,
	Check: checkNginxCanaryWeight,
}

func checkNginxCanaryWeight(p *Pass) {
	for _, ing := range p.Set.Ingresses {
		if !p.isNginxCanary(ing) {
			continue
		}
		total := 100
		if raw, ok := ing.Annotations[annotationCanaryWeightTotal]; ok {
			field := "metadata.annotations." + annotationCanaryWeightTotal
			n, err := strconv.Atoi(strings.TrimSpace(raw))
			switch {
			case err != nil:
				p.Report(ing, field, fmt.Sprintf("canary-weight-total %q is not an integer, so ingress-nginx reads 100; write a whole number of 100 or more", raw))
			case n < 100:
				w, werr := strconv.Atoi(strings.TrimSpace(ing.Annotations[annotationCanaryWeight]))
				if werr == nil && w > 0 && w <= n {
					p.Report(ing, field, fmt.Sprintf("canary-weight-total %d is below 100, which ingress-nginx ignores: the canary gets %d%% of requests, not %d%%; write the weight out of 100 and drop the total", n, w, w*100/n))
				}
			default:
				total = n
			}
		}
		raw, ok := ing.Annotations[annotationCanaryWeight]
		if !ok {
			continue
		}
		field := "metadata.annotations." + annotationCanaryWeight
		w, err := strconv.Atoi(strings.TrimSpace(raw))
		switch {
		case err != nil:
			p.Report(ing, field, fmt.Sprintf("canary-weight %q is not an integer, so ingress-nginx reads 0 and sends the canary no request by weight; write a whole number from 0 to %d", raw, total))
		case w < 0:
			p.Report(ing, field, fmt.Sprintf("canary-weight %d is negative, so the canary gets no request by weight; write a whole number from 0 to %d", w, total))
		case w > total:
			p.Report(ing, field, fmt.Sprintf("canary-weight %d is above the weight total %d, so every request goes to the canary; write a whole number from 0 to %d", w, total, total))
		}
	}
}

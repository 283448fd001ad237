package proxy

import (
	"fmt"
	"sort"
	"strings"
)

// PortPlan says which local port serves each listener port of the data
// planes (PlanPorts).
type PortPlan struct {
	// HTTPPort and HTTPSPort are the local ports of listener ports 80
	// (plain) and 443 (TLS), for ServeOptions; HTTPSPort is -1 when no
	// HTTPS is served.
	HTTPPort, HTTPSPort int
	// Ports are the other listener ports and their local ports.
	Ports []ServePort
	// Notes say how ports were mapped by default and which listener
	// ports are not served, and why.
	Notes []string
}

// PlanPorts maps the listener ports of the loaded data planes to local
// ports: listen (from `--listen <listenerPort>=<localPort>`) first; else
// 80 to httpPort, 443 to httpsPort, and every other port to the local
// port of the same number. Listener port 443 is served when https is
// set (Proxy.ServesTLS, or `--https`). A local port serves one listener
// port: a second one mapped there is left out with a note, as is a
// listen entry no data plane has.
func PlanPorts(ports []ListenerPort, listen map[int32]int, httpPort, httpsPort int, https bool) PortPlan {
	plan := PortPlan{HTTPPort: httpPort, HTTPSPort: -1}
	used := map[int]string{}
	describe := func(lp ListenerPort) string {
		scheme := "http"
		if lp.TLS {
			scheme = "https"
		}
		s := fmt.Sprintf("listener port %d (%s", lp.Port, scheme)
		if len(lp.DataPlanes) > 0 {
			s += ", " + strings.Join(lp.DataPlanes, ", ")
		}
		return s + ")"
	}
	if p, ok := listen[80]; ok {
		plan.HTTPPort = p
	}
	if plan.HTTPPort > 0 {
		used[plan.HTTPPort] = "listener port 80 (http)"
	}
	if https {
		plan.HTTPSPort = httpsPort
		if p, ok := listen[443]; ok {
			plan.HTTPSPort = p
		}
		if plan.HTTPSPort > 0 {
			if other, taken := used[plan.HTTPSPort]; taken {
				plan.Notes = append(plan.Notes, fmt.Sprintf("listener port 443 (https) is not served: local port %d serves %s; map it with --listen 443=<port>", plan.HTTPSPort, other))
				plan.HTTPSPort = -1
			} else {
				used[plan.HTTPSPort] = "listener port 443 (https)"
			}
		}
	}
	known := map[int32]bool{80: true, 443: true}
	for _, lp := range ports {
		known[lp.Port] = true
		if lp.Port == 80 && !lp.TLS || lp.Port == 443 && lp.TLS {
			continue
		}
		local, ok := listen[lp.Port]
		if !ok {
			local = int(lp.Port)
		}
		if other, taken := used[local]; taken {
			plan.Notes = append(plan.Notes, fmt.Sprintf("%s is not served: local port %d serves %s; map it with --listen %d=<port>", describe(lp), local, other, lp.Port))
			continue
		}
		used[local] = describe(lp)
		if !ok {
			plan.Notes = append(plan.Notes, fmt.Sprintf("%s is served on local port %d, the same number (--listen %d=<port> maps it elsewhere)", describe(lp), local, lp.Port))
		}
		plan.Ports = append(plan.Ports, ServePort{Listener: lp.Port, Port: local, TLS: lp.TLS})
	}
	var extra []int
	for p := range listen {
		if !known[p] {
			extra = append(extra, int(p))
		}
	}
	sort.Ints(extra)
	for _, p := range extra {
		plan.Notes = append(plan.Notes, fmt.Sprintf("--listen %d=%d: no data plane listens on port %d", p, listen[int32(p)], p))
	}
	return plan
}

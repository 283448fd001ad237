package crdvalidate

import (
	"fmt"
	"strings"
	"testing"
)

const gatewayHead = `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: g, namespace: default}
`

// TestGatewaySpecAgrees checks the native check of a Gateway against the
// API server's validation at and across the bounds of the CRD.
func TestGatewaySpecAgrees(t *testing.T) {
	const l = "  gatewayClassName: c\n  listeners:\n"
	tests := []struct {
		name string
		spec string
		want Verdict
	}{
		{"typical", l + `  - {name: http, port: 80, protocol: HTTP, allowedRoutes: {namespaces: {from: All}, kinds: [{kind: HTTPRoute}]}}
  - name: https
    hostname: "*.example.com"
    port: 443
    protocol: HTTPS
    tls: {certificateRefs: [{name: cert}]}
  - {name: tls, port: 8443, protocol: TLS, tls: {mode: Passthrough}}
  - {name: tcp, port: 9000, protocol: TCP}`, Valid},
		{"no class", "  listeners: [{name: a, port: 80, protocol: HTTP}]", Invalid},
		{"no listeners", "  gatewayClassName: c", Invalid},
		{"empty listeners", "  gatewayClassName: c\n  listeners: []", Invalid},
		{"65 listeners", l + strings.Repeat("  - {name: a, port: 80, protocol: HTTP}\n", 65), Invalid},
		{"duplicate names", l + "  - {name: a, port: 80, protocol: HTTP}\n  - {name: a, port: 81, protocol: HTTP}", Invalid},
		{"same port, protocol, hostname", l + "  - {name: a, port: 80, protocol: HTTP}\n  - {name: b, port: 80, protocol: HTTP}", Invalid},
		{"same port, other hostname", l + "  - {name: a, port: 80, protocol: HTTP}\n  - {name: b, port: 80, protocol: HTTP, hostname: a.b}", Valid},
		{"port 0", l + "  - {name: a, port: 0, protocol: HTTP}", Unknown},
		{"no port", l + "  - {name: a, protocol: HTTP}", Invalid},
		{"port 65536", l + "  - {name: a, port: 65536, protocol: HTTP}", Invalid},
		{"name", l + "  - {name: A, port: 80, protocol: HTTP}", Invalid},
		{"protocol", l + "  - {name: a, port: 80, protocol: \"-x\"}", Unknown},
		{"custom protocol", l + "  - {name: a, port: 80, protocol: FOO-2}", Valid},
		{"domain protocol", l + "  - {name: a, port: 80, protocol: example.com/foo}", Unknown},
		{"tls on HTTP", l + "  - {name: a, port: 80, protocol: HTTP, tls: {certificateRefs: [{name: c}]}}", Invalid},
		{"HTTPS passthrough", l + "  - {name: a, port: 443, protocol: HTTPS, tls: {mode: Passthrough}}", Invalid},
		{"HTTPS without tls", l + "  - {name: a, port: 443, protocol: HTTPS}", Valid},
		{"TLS without tls", l + "  - {name: a, port: 443, protocol: TLS}", Invalid},
		{"terminate without certificates", l + "  - {name: a, port: 443, protocol: HTTPS, tls: {}}", Invalid},
		{"terminate with empty certificates", l + "  - {name: a, port: 443, protocol: HTTPS, tls: {certificateRefs: []}}", Invalid},
		{"tls mode", l + "  - {name: a, port: 443, protocol: TLS, tls: {mode: Other}}", Invalid},
		{"certificate kind", l + "  - {name: a, port: 443, protocol: HTTPS, tls: {certificateRefs: [{name: c, kind: \"\"}]}}", Invalid},
		{"certificate namespace", l + "  - {name: a, port: 443, protocol: HTTPS, tls: {certificateRefs: [{name: c, namespace: A}]}}", Invalid},
		{"TCP hostname", l + "  - {name: a, port: 9000, protocol: TCP, hostname: a.b}", Invalid},
		{"hostname", l + "  - {name: a, port: 80, protocol: HTTP, hostname: A.b}", Invalid},
		{"from", l + "  - {name: a, port: 80, protocol: HTTP, allowedRoutes: {namespaces: {from: None}}}", Invalid},
		{"selector", l + "  - {name: a, port: 80, protocol: HTTP, allowedRoutes: {namespaces: {from: Selector, selector: {matchLabels: {a: b}}}}}", Unknown},
		{"9 kinds", l + "  - {name: a, port: 80, protocol: HTTP, allowedRoutes: {kinds: [" + strings.Repeat("{kind: K}, ", 8) + "{kind: K}]}}", Invalid},
		{"kind without kind", l + "  - {name: a, port: 80, protocol: HTTP, allowedRoutes: {kinds: [{group: g}]}}", Invalid},
		{"addresses", l + "  - {name: a, port: 80, protocol: HTTP}\n  addresses: [{value: 10.0.0.1}]", Unknown},
		{"tls options", l + "  - {name: a, port: 443, protocol: HTTPS, tls: {options: {a: b}}}", Unknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := gatewayHead + "spec:\n" + tt.spec + "\n"
			v, errs, ok := both(t, doc, false)
			if !ok {
				t.Fatalf("does not load:\n%s", doc)
			}
			if err := agrees(v, errs); err != nil {
				t.Error(err)
			}
			if v != tt.want {
				t.Errorf("verdict %v, want %v (errors: %v)", v, tt.want, errs)
			}
			v, errs, _ = both(t, doc, true)
			if err := agrees(v, errs); err != nil {
				t.Errorf("as converted: %v", err)
			}
		})
	}
}

func genGateway(data []byte) string {
	g := newRouteGen(data, 48)
	g.b.WriteString(gatewayHead + "spec: {")
	g.field("gatewayClassName", `c`, `!""`)
	i := 0
	g.list("listeners", 3, func() {
		i++
		if g.clean {
			// Listeners a clean Gateway can have: distinct names
			// and ports, tls where the protocol takes it.
			p := []string{"HTTP", "HTTPS", "TLS", "TCP", "UDP"}[g.next(5)]
			fmt.Fprintf(&g.b, "name: l%d, port: %d, protocol: %s, ", i, 80+i, p)
			if p == "HTTPS" || p == "TLS" {
				g.b.WriteString("tls: {mode: Passthrough}, ")
				if p == "HTTPS" {
					g.b.WriteString("hostname: a.example.com, ")
				}
			}
			return
		}
		g.field("name", `a`, `b`, `!A`, `!""`)
		g.field("hostname", `a.example.com`, `"*.example.com"`, `!A`)
		g.field("port", `80`, `443`, `!0`, `!65536`)
		g.field("protocol", `HTTP`, `HTTPS`, `TLS`, `TCP`, `UDP`, `!""`)
		if g.next(3) == 0 {
			g.b.WriteString("tls: {")
			g.field("mode", `Terminate`, `Passthrough`, `!Other`)
			g.list("certificateRefs", 2, func() {
				g.field("kind", `Secret`, `!""`)
				g.field("name", `c`, `!""`)
			})
			g.b.WriteString("}, ")
		}
		if g.next(3) == 0 {
			g.b.WriteString("allowedRoutes: {namespaces: {")
			g.field("from", `All`, `Same`, `Selector`, `!None`)
			g.b.WriteString("}, ")
			g.list("kinds", 2, func() {
				g.field("group", `""`, `gateway.networking.k8s.io`, `!A`)
				g.field("kind", `HTTPRoute`, `!""`)
			})
			g.b.WriteString("}, ")
		}
	})
	g.b.WriteString("}\n")
	return g.b.String()
}

// FuzzGatewaySpec is FuzzHTTPRouteSpec for Gateways.
func FuzzGatewaySpec(f *testing.F) {
	// An empty spec.
	f.Add([]byte{})
	// A clean Gateway with two listeners.
	f.Add([]byte{1, 0, 2, 0, 0, 0, 0, 1, 1, 0, 2, 1, 1, 0})
	// A free hostname.
	f.Add(append(make([]byte, 48), "a_b.example.com"...))
	f.Fuzz(func(t *testing.T, data []byte) {
		doc := genGateway(data)
		for _, conv := range []bool{false, true} {
			v, errs, ok := both(t, doc, conv)
			if !ok {
				t.Skip()
			}
			if err := agrees(v, errs); err != nil {
				t.Errorf("as converted %v: %v\n%s", conv, err, doc)
			}
		}
	})
}

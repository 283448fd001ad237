package lint

import (
	"fmt"
	"strconv"

	gwv1 "sigs.k8s.io/gateway-api/apis/v1"
)

var listenerConflict = &Rule{
	ID:       "listener-conflict",
	Severity: Error,
	Default:  true,
	Summary:  "Listeners of one Gateway share a port with protocols one connection cannot tell apart.",
	Doc: `Every listener of a Gateway must be distinct: a connection must be
assignable to exactly one of them. The Gateway API spells out that a TCP
listener and an HTTP, HTTPS or TLS listener on the same port are not
distinct, and that such conflicted listeners must all be refused
(Gateway.Spec.Listeners in sigs.k8s.io/gateway-api apis/v1 gateway_types.go,
"Distinct Listeners" and "Handling indistinct Listeners"). Plain HTTP beside
HTTPS or TLS on one port is the same problem: the listener is chosen before
any byte tells a TLS handshake from a request line. Listeners that share
port, protocol and hostname are rejected by the CRD itself
(gateway-api-validation).

**What to do:** give the listeners different ports.`,
	Check: checkListenerConflict,
}

func checkListenerConflict(p *Pass) {
	for _, gw := range p.Set.Gateways {
		o := GatewayObject(gw)
		ls := gw.Spec.Listeners
		for j := range ls {
			for i := 0; i < j; i++ {
				a, b := ls[i], ls[j]
				if a.Port != b.Port || !protocolsConflict(a.Protocol, b.Protocol) {
					continue
				}
				p.ReportObject(o, "spec.listeners["+strconv.Itoa(j)+"].protocol",
					fmt.Sprintf("listener %s (%s) and listener %s (%s) share port %d, where a connection cannot be assigned to one of them; give them different ports", b.Name, b.Protocol, a.Name, a.Protocol, b.Port),
					Related{Pos: o.Source.FieldPos("spec.listeners[" + strconv.Itoa(i) + "]"), Message: "listener " + string(a.Name)})
			}
		}
	}
}

// protocolsConflict reports whether listeners of protocols a and b cannot
// share a port (see the rule's doc).
func protocolsConflict(a, b gwv1.ProtocolType) bool {
	if a == b {
		return false
	}
	layered := func(p gwv1.ProtocolType) bool {
		return p == gwv1.HTTPProtocolType || p == gwv1.HTTPSProtocolType || p == gwv1.TLSProtocolType
	}
	switch {
	case a == gwv1.TCPProtocolType && layered(b), b == gwv1.TCPProtocolType && layered(a):
		return true
	case a == gwv1.HTTPProtocolType && (b == gwv1.HTTPSProtocolType || b == gwv1.TLSProtocolType),
		b == gwv1.HTTPProtocolType && (a == gwv1.HTTPSProtocolType || a == gwv1.TLSProtocolType):
		return true
	}
	return false
}

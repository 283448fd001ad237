package alb

import (
	"fmt"
	"strconv"
	"strings"

	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	gwv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/ingresskit/ingresskit/migrate"
	albsim "github.com/ingresskit/ingresskit/simulate/alb"
)

// annField is the API-server path of an annotation of the controller.
func annField(name string) string { return "metadata.annotations." + albsim.AnnotationPrefix + name }

// usesAction reports whether a path's backend names an action.
func usesAction(p networkingv1.HTTPIngressPath) bool {
	return p.Backend.Service != nil && p.Backend.Service.Port.Name == albsim.UseAnnotation
}

// actionRule fills the rule of a path whose servicePort is use-annotation
// from the actions.<serviceName> annotation:
//
//   - forward to Services (forwardConfig.targetGroups with serviceName and
//     servicePort) is backendRefs with their weights; target groups
//     outside the cluster (ARN or name) are reported and left out;
//   - redirect is a RequestRedirect (redirect.go);
//   - fixed-response has no standard field and is reported; the path is
//     left out.
//
// It returns false when the path is left out.
func (r *reader) actionRule(hr *migrate.HostRoute, p networkingv1.HTTPIngressPath, field string, rule *gwv1.HTTPRouteRule) bool {
	tr, ing := r.t.tr, r.ing
	name := p.Backend.Service.Name
	fld := annField("actions." + name)
	raw, ok := ing.Annotations[albsim.AnnotationPrefix+"actions."+name]
	if !ok {
		tr.Report(ing, field+".backend.service.port.name", migrate.Warning, fmt.Sprintf("servicePort use-annotation but no %sactions.%s annotation: the controller fails to build the Ingress's group; add the action, or name a Service", albsim.AnnotationPrefix, name))
		return false
	}
	a, err := albsim.DecodeAction(raw)
	if err != nil {
		tr.Report(ing, fld, migrate.Warning, fmt.Sprintf("the action is not valid JSON (%v): the controller fails to build the Ingress's group; nothing is translated for this path", err))
		return false
	}
	switch a.Type {
	case "forward":
		return r.forward(hr, a, fld, rule)
	case "redirect":
		if a.RedirectConfig == nil {
			tr.Report(ing, fld, migrate.Warning, "a redirect action without redirectConfig: the controller fails to build the Ingress's group; the path is left out")
			return false
		}
		f, ok := r.redirect(a, fld)
		if !ok {
			return false
		}
		rule.Filters = append(rule.Filters, f)
		return true
	case "fixed-response":
		status := ""
		if a.FixedResponseConfig != nil {
			status = " " + a.FixedResponseConfig.StatusCode
		}
		tr.Report(ing, fld, migrate.Warning, fmt.Sprintf("the fixed-response action (status%s) has no standard Gateway API field, so the path is left out and its requests get 404: use your implementation's direct-response filter (an ExtensionRef) or a Service that answers it", status))
		return false
	}
	tr.Report(ing, fld, migrate.Warning, fmt.Sprintf("unknown action type %q (the controller knows fixed-response, forward and redirect): it fails to build the Ingress's group; the path is left out", a.Type))
	return false
}

// forward translates a forward action into weighted backendRefs.
func (r *reader) forward(hr *migrate.HostRoute, a *albsim.Action, fld string, rule *gwv1.HTTPRouteRule) bool {
	tr, ing := r.t.tr, r.ing
	outside := func(what string) {
		tr.Report(ing, fld, migrate.Warning, fmt.Sprintf("forward to target group %s, outside the cluster: a backendRef names a Service, so it is left out; make a Service for it (ExternalName, or a selector-less Service with EndpointSlices)", what))
	}
	switch {
	case a.TargetGroupARN != nil:
		outside(*a.TargetGroupARN)
		return false
	case a.TargetGroupName != nil:
		outside(*a.TargetGroupName)
		return false
	case a.ForwardConfig == nil:
		tr.Report(ing, fld, migrate.Warning, "a forward action without a target: the controller fails to build the Ingress's group; the path is left out")
		return false
	}
	fc := a.ForwardConfig
	if s := fc.TargetGroupStickinessConfig; s != nil && s.Enabled != nil && *s.Enabled {
		tr.Report(ing, fld, migrate.Warning, "targetGroupStickinessConfig keeps a client on one target group; Gateway API's sessionPersistence is experimental (not in the standard channel of v1.6): use your implementation's session policy")
	}
	weighted := len(fc.TargetGroups) > 1
	for i, tg := range fc.TargetGroups {
		switch {
		case tg.TargetGroupARN != nil:
			outside(*tg.TargetGroupARN)
			continue
		case tg.TargetGroupName != nil:
			outside(*tg.TargetGroupName)
			continue
		case tg.ServiceName == nil || tg.ServicePort == nil:
			tr.Report(ing, fld, migrate.Warning, fmt.Sprintf("targetGroups[%d] names no serviceName and servicePort; it is left out", i))
			continue
		}
		b := networkingv1.IngressBackend{Service: &networkingv1.IngressServiceBackend{Name: *tg.ServiceName}}
		if tg.ServicePort.Type == intstr.Int {
			b.Service.Port.Number = tg.ServicePort.IntVal
		} else {
			b.Service.Port.Name = tg.ServicePort.StrVal
		}
		ref, ok := tr.BackendRef(ing, b, fld)
		if !ok {
			continue
		}
		if weighted {
			// An omitted weight is 1, as the controller reads it
			// (model_build_actions.go buildForwardActionConfig) and as
			// a backendRef reads it.
			w := int32(1)
			if tg.Weight != nil {
				w = *tg.Weight
			}
			ref.Weight = &w
		}
		rule.BackendRefs = append(rule.BackendRefs, ref)
	}
	return len(rule.BackendRefs) > 0
}

// redirect translates a redirect action. The controller leaves each part
// not set as the request's own (#{protocol}, #{host}, #{port},
// /#{path}, #{query}; Elastic Load Balancing "Redirect actions"), which is
// what RequestRedirect does with a part it does not set; a literal query,
// or a path or host built from other parts, has no field and is reported.
func (r *reader) redirect(a *albsim.Action, fld string) (gwv1.HTTPRouteFilter, bool) {
	tr, ing := r.t.tr, r.ing
	rc := a.RedirectConfig
	rr := &gwv1.HTTPRequestRedirectFilter{}
	code := 301
	switch rc.StatusCode {
	case "HTTP_301":
	case "HTTP_302":
		code = 302
	default:
		tr.Report(ing, fld, migrate.Warning, fmt.Sprintf("redirect statusCode %q is not HTTP_301 or HTTP_302: the controller fails to build the Ingress's group; the path is left out", rc.StatusCode))
		return gwv1.HTTPRouteFilter{}, false
	}
	rr.StatusCode = &code
	literal := func(p *string, keep string) (string, bool) {
		if p == nil || *p == keep {
			return "", true
		}
		if strings.Contains(*p, "#{") {
			return "", false
		}
		return *p, true
	}
	bad := func(part, v string) {
		tr.Report(ing, fld, migrate.Warning, fmt.Sprintf("the redirect's %s %q is built from the request's parts, which RequestRedirect cannot do; the path is left out: write the redirect by hand", part, v))
	}
	if v, ok := literal(rc.Protocol, "#{protocol}"); !ok {
		bad("protocol", *rc.Protocol)
		return gwv1.HTTPRouteFilter{}, false
	} else if v != "" {
		s := strings.ToLower(v)
		rr.Scheme = &s
	}
	if v, ok := literal(rc.Host, "#{host}"); !ok {
		bad("host", *rc.Host)
		return gwv1.HTTPRouteFilter{}, false
	} else if v != "" {
		h := gwv1.PreciseHostname(v)
		rr.Hostname = &h
	}
	if v, ok := literal(rc.Port, "#{port}"); !ok {
		bad("port", *rc.Port)
		return gwv1.HTTPRouteFilter{}, false
	} else if v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			bad("port", v)
			return gwv1.HTTPRouteFilter{}, false
		}
		pn := gwv1.PortNumber(n)
		rr.Port = &pn
	}
	if v, ok := literal(rc.Path, "/#{path}"); !ok {
		bad("path", *rc.Path)
		return gwv1.HTTPRouteFilter{}, false
	} else if v != "" {
		rr.Path = &gwv1.HTTPPathModifier{Type: gwv1.FullPathHTTPPathModifier, ReplaceFullPath: &v}
	}
	if rr.Scheme != nil && rr.Port == nil {
		tr.Report(ing, fld, migrate.Info, "the redirect sets the protocol and keeps the request's port (#{port}), so the ALB redirects http://host/ to https://host:80/; RequestRedirect uses the scheme's well-known port instead: set port 443 on the action if that is what you meant")
	}
	if rc.Query != nil && *rc.Query != "#{query}" {
		tr.Report(ing, fld, migrate.Warning, fmt.Sprintf("the redirect's query %q is not kept: RequestRedirect sets scheme, hostname, port and path, and keeps the request's query", *rc.Query))
	}
	return gwv1.HTTPRouteFilter{Type: gwv1.HTTPRouteFilterRequestRedirect, RequestRedirect: rr}, true
}

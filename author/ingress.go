package author

import (
	"errors"
	"fmt"
	"strings"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"
)

// Options describes an Ingress the way `kubectl create ingress` flags do.
// The zero value is not enough: an Ingress needs Rules or a
// DefaultBackend.
type Options struct {
	// Name is the Ingress's name.
	Name string
	// Namespace is written into metadata when set; kubectl writes it only
	// when -n is given.
	Namespace string
	// Class is spec.ingressClassName (--class); "" leaves it out.
	Class string
	// Rules are --rule values, in order.
	Rules []string
	// Annotations are --annotation values, key=value.
	Annotations []string
	// DefaultBackend is --default-backend: service:port or
	// Kind.group/name.
	DefaultBackend string
	// DefaultPathType is the type of a path that neither ends in "*" nor
	// has a pathType option; "" means Exact, as in kubectl.
	DefaultPathType networkingv1.PathType
}

// ErrNothingToRoute is returned when Options has neither rules nor a
// default backend. Its text is kubectl's (create_ingress.go Validate).
var ErrNothingToRoute = errors.New("not enough information provided: every ingress has to either specify a default-backend (which catches all traffic) or a list of rules (which catch specific paths)")

// ParseRules parses every rule of opts, in order.
func (opts Options) ParseRules() ([]Rule, error) {
	rules := make([]Rule, 0, len(opts.Rules))
	for _, s := range opts.Rules {
		r, err := ParseRule(s, ParseOptions{DefaultPathType: opts.DefaultPathType})
		if err != nil {
			return nil, err
		}
		rules = append(rules, r)
	}
	return rules, nil
}

// NewIngress builds the Ingress that `kubectl create ingress` would
// create from the same flags (create_ingress.go createIngress): rules of
// one host share one IngressRule, each TLS host is listed once, and hosts
// naming the same Secret share one spec.tls entry.
func NewIngress(opts Options) (*networkingv1.Ingress, error) {
	if len(opts.Rules) == 0 && opts.DefaultBackend == "" {
		return nil, ErrNothingToRoute
	}
	if opts.Name == "" {
		return nil, errors.New("the Ingress needs a name")
	}
	if errs := validation.IsDNS1123Subdomain(opts.Name); len(errs) > 0 {
		return nil, fmt.Errorf("invalid Ingress name %q: %s", opts.Name, errs[0])
	}
	if opts.Namespace != "" {
		if errs := validation.IsDNS1123Label(opts.Namespace); len(errs) > 0 {
			return nil, fmt.Errorf("invalid namespace %q: %s", opts.Namespace, errs[0])
		}
	}
	if opts.Class != "" {
		if errs := validation.IsDNS1123Subdomain(opts.Class); len(errs) > 0 {
			return nil, fmt.Errorf("invalid --class %q: %s", opts.Class, errs[0])
		}
	}
	rules, err := opts.ParseRules()
	if err != nil {
		return nil, err
	}
	annotations, err := parseAnnotations(opts.Annotations)
	if err != nil {
		return nil, err
	}
	ing := &networkingv1.Ingress{
		TypeMeta: metav1.TypeMeta{APIVersion: networkingv1.SchemeGroupVersion.String(), Kind: "Ingress"},
		ObjectMeta: metav1.ObjectMeta{
			Name:        opts.Name,
			Namespace:   opts.Namespace,
			Annotations: annotations,
		},
	}
	if opts.Class != "" {
		class := opts.Class
		ing.Spec.IngressClassName = &class
	}
	if opts.DefaultBackend != "" {
		b, err := ParseBackend(opts.DefaultBackend, "--default-backend")
		if err != nil {
			return nil, err
		}
		ing.Spec.DefaultBackend = &b
	}
	for _, r := range rules {
		addRule(&ing.Spec, r)
	}
	return ing, nil
}

// addRule adds r to spec as kubectl's buildIngressRules and buildTLSRules
// do: the path joins the IngressRule of its host (made at the end when
// there is none), and a TLS request adds the host to the entry naming
// the same Secret, or a new entry, unless the host already has TLS.
func addRule(spec *networkingv1.IngressSpec, r Rule) {
	pt := r.PathType
	path := networkingv1.HTTPIngressPath{Path: r.Path, PathType: &pt, Backend: r.Backend}
	found := false
	for i := range spec.Rules {
		ir := &spec.Rules[i]
		if ir.Host == r.Host && ir.HTTP != nil {
			ir.HTTP.Paths = append(ir.HTTP.Paths, path)
			found = true
			break
		}
	}
	if !found {
		spec.Rules = append(spec.Rules, networkingv1.IngressRule{
			Host:             r.Host,
			IngressRuleValue: networkingv1.IngressRuleValue{HTTP: &networkingv1.HTTPIngressRuleValue{Paths: []networkingv1.HTTPIngressPath{path}}},
		})
	}
	if r.TLS {
		addTLS(spec, r.Host, r.Secret)
	}
}

// addTLS follows create_ingress.go buildTLSRules: a host already listed
// in any entry is skipped, a Secret already named gets the host, else a
// new entry holds the host (when there is one) and the Secret (when
// named); an entry with neither is not made.
func addTLS(spec *networkingv1.IngressSpec, host, secret string) {
	for _, t := range spec.TLS {
		for _, h := range t.Hosts {
			if h == host {
				return
			}
		}
	}
	if host == "" && secret == "" {
		return
	}
	for i := range spec.TLS {
		if spec.TLS[i].SecretName == secret {
			if host != "" {
				spec.TLS[i].Hosts = append(spec.TLS[i].Hosts, host)
			}
			return
		}
	}
	t := networkingv1.IngressTLS{SecretName: secret}
	if host != "" {
		t.Hosts = []string{host}
	}
	spec.TLS = append(spec.TLS, t)
}

// parseAnnotations reads key=value pairs (create_ingress.go
// buildAnnotations); a later value of a key replaces an earlier one.
func parseAnnotations(in []string) (map[string]string, error) {
	out := map[string]string{}
	for _, a := range in {
		k, v, ok := strings.Cut(a, "=")
		if !ok {
			// kubectl's message (create_ingress.go Validate).
			return nil, fmt.Errorf("annotation %s is invalid and should be in format key=[value]", a)
		}
		if errs := validation.IsQualifiedName(k); len(errs) > 0 {
			return nil, &RuleError{Flag: "--annotation", Value: a, Offset: 0, Msg: "invalid annotation key: " + errs[0]}
		}
		out[k] = v
	}
	return out, nil
}

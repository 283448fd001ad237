package lint

import (
	"context"
	"fmt"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ingresskit/ingresskit/manifest"
	"github.com/ingresskit/ingresskit/simulate"
	"github.com/ingresskit/ingresskit/simulate/gateway"
	"github.com/ingresskit/ingresskit/simulate/nginx"

	// Every Ingress profile and data plane registers itself with simulate.
	_ "github.com/ingresskit/ingresskit/simulate/profiles"
)

// IgnoreAnnotation suppresses the named rules (comma-separated IDs) on the
// object that carries it, in the form kube-linter uses in
// pkg/ignore/ignore.go.
const IgnoreAnnotation = "ingresskit.dev/ignore"

// Options configures Run. The zero value runs the default rules.
type Options struct {
	// Config selects the rules and overrides their severities.
	Config Config
	// Now is the instant certificates are checked against; zero means
	// time.Now().
	Now time.Time
	// Rules replaces the registry; nil means Registry(). Tests use it.
	Rules []*Rule
	// Controller, when set, is the profile in force for every Ingress
	// (spec, nginx, gce or alb, as simulate.ParseProfile reads them):
	// the controller-specific rules and the conflict and shadowing
	// checks then treat every Ingress as served by that controller. ""
	// infers the controller of each Ingress from its IngressClass.
	Controller string
	// Skip names rules (by ID) not to run although the Config enables
	// them: a caller sets it when the objects a rule reads could not be
	// loaded, so that their absence is not reported as a finding.
	// Suppressions of a skipped rule are not reported as unused.
	Skip []string
	// FromCluster reports that the Services, Secrets and IngressClasses
	// were read from a live cluster rather than given as manifests:
	// findings about a missing one then say it is missing from the
	// cluster and how to create it there.
	FromCluster bool
	// KubeVersion is the Kubernetes version whose API validation the
	// rules apply; zero means NewestKubeVersion. Run rejects a version
	// outside OldestKubeVersion to NewestKubeVersion.
	KubeVersion KubeVersion
}

// Result is what Run found.
type Result struct {
	// Findings are sorted by position, after suppression.
	Findings []Finding
	// Suppressed counts the findings dropped by IgnoreAnnotation.
	Suppressed int
	// Rules are the rules that ran, sorted by ID.
	Rules []*Rule
}

// Count returns how many findings are at or above sev.
func (r *Result) Count(sev Severity) int {
	n := 0
	for _, f := range r.Findings {
		if f.Severity >= sev {
			n++
		}
	}
	return n
}

// Object is what a finding is about.
type Object struct {
	// Kind is Ingress, Service, Secret, IngressClass or a Gateway API
	// kind (Gateway, HTTPRoute, ...).
	Kind string
	// Namespace is empty for cluster-scoped objects.
	Namespace string
	// Name is metadata.name.
	Name string
	// Source locates the object and its fields.
	Source *manifest.Source
	// Annotations are the object's annotations, read for suppressions.
	Annotations map[string]string
}

// String returns Kind namespace/name, or Kind name for cluster-scoped
// objects.
func (o Object) String() string {
	if o.Namespace == "" {
		return o.Kind + " " + o.Name
	}
	return o.Kind + " " + o.Namespace + "/" + o.Name
}

// IngressObject describes an Ingress.
func IngressObject(i *manifest.Ingress) Object {
	return Object{Kind: "Ingress", Namespace: i.Namespace, Name: i.Name, Source: &i.Source, Annotations: i.Annotations}
}

// ServiceObject describes a Service.
func ServiceObject(s *manifest.Service) Object {
	return Object{Kind: "Service", Namespace: s.Namespace, Name: s.Name, Source: &s.Source, Annotations: s.Annotations}
}

// SecretObject describes a Secret.
func SecretObject(s *manifest.Secret) Object {
	return Object{Kind: "Secret", Namespace: s.Namespace, Name: s.Name, Source: &s.Source, Annotations: s.Annotations}
}

// IngressClassObject describes an IngressClass.
func IngressClassObject(c *manifest.IngressClass) Object {
	return Object{Kind: "IngressClass", Name: c.Name, Source: &c.Source, Annotations: c.Annotations}
}

// Pass is one rule's view of a run.
type Pass struct {
	// Set is the input. Rules must not modify it.
	Set *manifest.Set
	// Now is the instant certificates are checked against.
	Now time.Time

	shared   *shared
	rule     *Rule
	findings []reported
}

type reported struct {
	obj Object
	f   Finding
}

// Report records a finding about an Ingress at the field path.
func (p *Pass) Report(ing *manifest.Ingress, field, msg string, related ...Related) {
	p.ReportObject(IngressObject(ing), field, msg, related...)
}

// Reportf is Report with a format.
func (p *Pass) Reportf(ing *manifest.Ingress, field, format string, args ...any) {
	p.Report(ing, field, fmt.Sprintf(format, args...))
}

// ReportObject records a finding about any object at the field path.
func (p *Pass) ReportObject(o Object, field, msg string, related ...Related) {
	pos := o.Source.Pos
	if field != "" {
		pos = o.Source.FieldPos(field)
	}
	p.findings = append(p.findings, reported{obj: o, f: Finding{
		Rule:    p.rule.ID,
		Pos:     pos,
		Field:   field,
		Object:  o.String(),
		Message: msg,
		Related: related,
		Fixable: p.rule.Fix != nil,
	}})
}

// reportUnfixable records a finding that the rule's fix must not touch.
func (p *Pass) reportUnfixable(o Object, field, msg string, related ...Related) {
	p.ReportObject(o, field, msg, related...)
	p.findings[len(p.findings)-1].f.Fixable = false
}

// shared holds what several rules compute once per run.
type shared struct {
	set *manifest.Set
	// fromCluster is Options.FromCluster.
	fromCluster bool
	// kubeVersion is the version whose validation applies, never zero.
	kubeVersion KubeVersion

	// forced is true when Options.Controller names the controller of
	// every Ingress: controller (an IngressClass spec.controller value,
	// "" for spec) and profile.
	forced     bool
	controller string
	profile    simulate.Profile

	// ctrl is the controller of each Ingress of set (controllerOf).
	ctrlOnce sync.Once
	ctrl     map[*manifest.Ingress]string

	// certs caches parsed certificates: *manifest.Secret -> certResult.
	certs sync.Map

	routesOnce sync.Once
	compiled   []groupRoutes

	canaryOnce sync.Once
	canaries   []*nginx.CanaryPath

	// nginxModels are the ingress-nginx models made in this run
	// (nginxModel).
	nginxMu     sync.Mutex
	nginxModels []nginxModelOf

	backendsOnce sync.Once
	backendRefs  map[*manifest.Ingress][]backendRef

	// gwModel is the Gateway API attachment (Pass.gatewayModel).
	gwOnce  sync.Once
	gwModel *gateway.Model

	// tlsOrder and tlsByUse are tlsUses of set, computed once (Pass.tlsUses).
	tlsOnce  sync.Once
	tlsOrder []*manifest.Secret
	tlsByUse map[*manifest.Secret][]tlsUse
}

// controllerOf returns the controller that serves ing: Options.Controller
// when given, else what its IngressClass says (controllerOf).
func (s *shared) controllerOf(ing *manifest.Ingress) string {
	if s.forced {
		return s.controller
	}
	// Most rules ask for every Ingress; the answers are worked out once.
	s.ctrlOnce.Do(func() {
		s.ctrl = make(map[*manifest.Ingress]string, len(s.set.Ingresses))
		for _, i := range s.set.Ingresses {
			s.ctrl[i] = controllerOf(s.set, i)
		}
	})
	if c, ok := s.ctrl[ing]; ok {
		return c
	}
	return controllerOf(s.set, ing)
}

// KubeVersion returns the Kubernetes version whose API validation
// applies in this run.
func (p *Pass) KubeVersion() KubeVersion {
	if p.shared == nil || p.shared.kubeVersion.IsZero() {
		return NewestKubeVersion
	}
	return p.shared.kubeVersion
}

// controllerOf returns the controller that serves ing in this run.
func (p *Pass) controllerOf(ing *manifest.Ingress) string { return p.shared.controllerOf(ing) }

// backendsOf returns the backends of ing, computed once per run for every
// Ingress, since most rules walk them.
func (s *shared) backendsOf(ing *manifest.Ingress) []backendRef {
	s.backendsOnce.Do(func() {
		s.backendRefs = make(map[*manifest.Ingress][]backendRef, len(s.set.Ingresses))
		for _, i := range s.set.Ingresses {
			s.backendRefs[i] = backends(i)
		}
	})
	if b, ok := s.backendRefs[ing]; ok {
		return b
	}
	return backends(ing)
}

// backends returns the backends of ing (see backendRef).
func (p *Pass) backends(ing *manifest.Ingress) []backendRef { return p.shared.backendsOf(ing) }

// serviceBackends calls fn for every Service backend of the Ingresses that
// controller serves, when the Service is in the input: what the rules on
// a controller's Service requirements look at.
func (p *Pass) serviceBackends(controller string, fn func(ing *manifest.Ingress, b backendRef, svc *manifest.Service)) {
	for _, ing := range p.Set.Ingresses {
		if p.controllerOf(ing) != controller {
			continue
		}
		for _, b := range p.backends(ing) {
			if b.backend.Service == nil {
				continue
			}
			if svc := p.Set.Service(ing.Namespace, b.backend.Service.Name); svc != nil {
				fn(ing, b, svc)
			}
		}
	}
}

// Run applies the enabled rules to set. It fails only on a bad
// configuration or a cancelled context; problems in the input are
// findings.
func Run(ctx context.Context, set *manifest.Set, opts Options) (*Result, error) {
	rules := opts.Rules
	if rules == nil {
		rules = Registry()
	}
	enabled, err := opts.Config.Select(rules)
	if err != nil {
		return nil, err
	}
	if len(opts.Skip) > 0 {
		enabled = skipRules(enabled, opts.Skip)
	}
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	kv := opts.KubeVersion
	if kv.IsZero() {
		kv = NewestKubeVersion
	}
	if err := kv.Supported(); err != nil {
		return nil, err
	}
	sh := &shared{set: set, fromCluster: opts.FromCluster, kubeVersion: kv}
	if opts.Controller != "" {
		p, err := simulate.ParseProfile(opts.Controller)
		if err != nil {
			return nil, err
		}
		sh.forced, sh.controller, sh.profile = true, forcedController(p.Name()), p
	}
	passes := make([]*Pass, len(enabled))
	// The rules run in two rounds. The first holds the rules that read
	// the routing of the groups and the ingress-nginx models, which are
	// the largest things a run builds beside the input; the models are
	// dropped before the second round runs every other rule, so that
	// they and the garbage of the other rules are not in memory at once.
	//
	var first, second []*Pass
	var routing []*Pass
	for i, r := range enabled {
		passes[i] = &Pass{Set: set, Now: now, shared: sh, rule: r}
		switch {
		case r.routing:
			routing = append(routing, passes[i])
		case r.nginxModel:
			first = append(first, passes[i])
		default:
			second = append(second, passes[i])
		}
	}
	first = append(first, routing...)
	runPasses(ctx, sh, first, len(routing) > 0)
	sh.dropNginxModels()
	runPasses(ctx, sh, second, false)
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	res := &Result{Rules: enabled}
	isEnabled := map[string]bool{}
	for _, r := range enabled {
		isEnabled[r.ID] = true
	}
	// controller-difference comes from Compare, not from a rule that
	// ran, so its suppressions are known and never unused here.
	known := map[string]bool{CompareID: true}
	for _, r := range rules {
		known[r.ID] = true
	}
	used := map[string]bool{} // source pos + rule
	for _, p := range passes {
		sev := opts.Config.severity(p.rule)
		for _, rf := range p.findings {
			if ids := ignored(rf.obj.Annotations); ids[rf.f.Rule] {
				used[suppressionKey(rf.obj, rf.f.Rule)] = true
				res.Suppressed++
				continue
			}
			rf.f.Severity = sev
			res.Findings = append(res.Findings, rf.f)
		}
	}
	if isEnabled[unusedSuppression.ID] {
		res.Findings = append(res.Findings, unusedSuppressions(set, known, isEnabled, used, opts.Config.severity(unusedSuppression))...)
	}
	SortFindings(res.Findings)
	return res, nil
}

// runPasses runs the checks of passes on every processor. With routes,
// the routing index (shared.routes), the longest single piece of work in
// a run, gets a goroutine of its own, started first, and the other
// passes share the remaining processors until it is built: with a
// goroutine per rule, the scheduler gave the index one time slice in
// forty and it ended the run late. The passes that read the index go
// last in passes, so that their wait for it holds up no other rule.
func runPasses(ctx context.Context, sh *shared, passes []*Pass, routes bool) {
	workers := runtime.GOMAXPROCS(0)
	var next atomic.Int64
	work := func() {
		for ctx.Err() == nil {
			i := int(next.Add(1)) - 1
			if i >= len(passes) {
				return
			}
			passes[i].rule.Check(passes[i])
		}
	}
	var wg sync.WaitGroup
	if routes {
		workers = max(1, workers-1)
		wg.Add(1)
		go func() {
			defer wg.Done()
			if ctx.Err() == nil {
				sh.routes()
			}
			work()
		}()
	}
	for w := 0; w < min(workers, len(passes)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			work()
		}()
	}
	wg.Wait()
}

// skipRules returns rules without those whose ID is in skip.
func skipRules(rules []*Rule, skip []string) []*Rule {
	drop := map[string]bool{}
	for _, id := range skip {
		drop[id] = true
	}
	out := make([]*Rule, 0, len(rules))
	for _, r := range rules {
		if !drop[r.ID] {
			out = append(out, r)
		}
	}
	return out
}

func suppressionKey(o Object, rule string) string {
	return o.Kind + "\x00" + o.Source.Pos.String() + "\x00" + rule
}

// ignored parses IgnoreAnnotation.
func ignored(ann map[string]string) map[string]bool {
	v, ok := ann[IgnoreAnnotation]
	if !ok {
		return nil
	}
	ids := map[string]bool{}
	for _, id := range strings.Split(v, ",") {
		if id = strings.TrimSpace(id); id != "" {
			ids[id] = true
		}
	}
	return ids
}

func ignoredList(ann map[string]string) []string {
	ids := ignored(ann)
	out := make([]string, 0, len(ids))
	for id := range ids {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

// unusedSuppressions reports every IgnoreAnnotation entry that dropped
// nothing. A rule that did not run cannot tell, so its entries stay quiet.
func unusedSuppressions(set *manifest.Set, known, enabled, used map[string]bool, sev Severity) []Finding {
	var out []Finding
	check := func(o Object) {
		if _, ok := o.Annotations[IgnoreAnnotation]; !ok {
			return
		}
		field := "metadata.annotations." + IgnoreAnnotation
		for _, id := range ignoredList(o.Annotations) {
			var msg string
			switch {
			case !known[id]:
				msg = fmt.Sprintf("%s names %q, which is no rule; remove it or fix the spelling (ingresskit lint --list-rules)", IgnoreAnnotation, id)
			case !enabled[id] || used[suppressionKey(o, id)]:
				continue
			default:
				msg = fmt.Sprintf("%s suppresses %s, but %s finds nothing here; remove %s from the annotation", IgnoreAnnotation, id, id, id)
			}
			out = append(out, Finding{Rule: unusedSuppression.ID, Severity: sev, Pos: o.Source.FieldPos(field),
				Field: field, Object: o.String(), Message: msg})
		}
	}
	for _, o := range set.Ingresses {
		check(IngressObject(o))
	}
	for _, o := range set.Services {
		check(ServiceObject(o))
	}
	for _, o := range set.Secrets {
		check(SecretObject(o))
	}
	for _, o := range set.IngressClasses {
		check(IngressClassObject(o))
	}
	for _, g := range gatewayObjects(set) {
		check(g.obj)
	}
	for _, o := range istioObjects(set) {
		check(o)
	}
	return out
}

// missingFrom returns where a referenced object was looked for ("the
// input", or "the cluster" when Options.FromCluster) and the matching
// advice of the two given.
func (p *Pass) missingFrom(inputTodo, clusterTodo string) (where, todo string) {
	if p.shared != nil && p.shared.fromCluster {
		return "the cluster", clusterTodo
	}
	return "the input", inputTodo
}

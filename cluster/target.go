package cluster

import (
	"context"
	"fmt"
	"sort"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	networkingv1 "k8s.io/api/networking/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// Target is the Pod and container port a port-forward for a Service port
// goes to.
type Target struct {
	// Namespace and Pod name the Pod.
	Namespace, Pod string
	// Port is the Pod's port: the Service's targetPort, resolved to a
	// number.
	Port int32
}

func (t Target) String() string { return fmt.Sprintf("%s/%s:%d", t.Namespace, t.Pod, t.Port) }

// ResolveTarget finds where traffic for port of the Service namespace/name
// goes: a Running and Ready Pod among the Service's EndpointSlices, and the
// targetPort as a number. port is an Ingress backend port (a number or the
// name of a Service port).
//
// The EndpointSlice ports already hold the resolved target port
// (kubernetes.io/docs/concepts/services-networking/endpoint-slices/); a named
// targetPort missing from them is looked up among the Pod's container ports,
// as kubectl port-forward does for services
// (kubernetes/kubectl pkg/cmd/portforward/portforward.go,
// translateServicePortToTargetPort). Pods are picked as kubectl picks them:
// Running and Ready; among several, the first by name so the choice is
// stable.
func ResolveTarget(ctx context.Context, c *Clients, namespace, name string, port networkingv1.ServiceBackendPort) (*Target, error) {
	svc, err := c.Kube.CoreV1().Services(namespace).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		if apierrors.IsNotFound(err) {
			return nil, fmt.Errorf("service %s/%s does not exist", namespace, name)
		}
		return nil, &Error{Server: c.Server, Err: err}
	}
	sp, err := servicePort(svc, port)
	if err != nil {
		return nil, err
	}
	slices, err := c.Kube.DiscoveryV1().EndpointSlices(namespace).List(ctx, metav1.ListOptions{
		LabelSelector: labels.SelectorFromSet(labels.Set{discoveryv1.LabelServiceName: name}).String(),
	})
	if err != nil {
		return nil, &Error{Server: c.Server, Err: err}
	}
	type candidate struct {
		pod  string
		port int32 // 0 when the slice does not list the port
	}
	var cands []candidate
	for _, s := range slices.Items {
		var slicePort int32
		for _, p := range s.Ports {
			if p.Port != nil && ptrString(p.Name) == sp.Name {
				slicePort = *p.Port
			}
		}
		for _, e := range s.Endpoints {
			// A nil Ready is to be read as ready (k8s.io/api
			// discovery/v1 EndpointConditions.Ready).
			if e.Conditions.Ready != nil && !*e.Conditions.Ready {
				continue
			}
			if e.TargetRef == nil || e.TargetRef.Kind != "Pod" {
				continue
			}
			cands = append(cands, candidate{pod: e.TargetRef.Name, port: slicePort})
		}
	}
	sort.Slice(cands, func(i, j int) bool { return cands[i].pod < cands[j].pod })
	for _, cand := range cands {
		pod, err := c.Kube.CoreV1().Pods(namespace).Get(ctx, cand.pod, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			continue
		}
		if err != nil {
			return nil, &Error{Server: c.Server, Err: err}
		}
		if !podReady(pod) {
			continue
		}
		p := cand.port
		if p == 0 {
			if p, err = podPort(pod, sp.TargetPort, sp.Port); err != nil {
				return nil, fmt.Errorf("service %s/%s: %w", namespace, name, err)
			}
		}
		return &Target{Namespace: namespace, Pod: pod.Name, Port: p}, nil
	}
	return nil, fmt.Errorf("service %s/%s has no Running and Ready Pod", namespace, name)
}

// servicePort finds the Service port an Ingress backend names.
func servicePort(svc *corev1.Service, port networkingv1.ServiceBackendPort) (*corev1.ServicePort, error) {
	for i, sp := range svc.Spec.Ports {
		if port.Name != "" && sp.Name == port.Name || port.Name == "" && sp.Port == port.Number {
			return &svc.Spec.Ports[i], nil
		}
	}
	want := port.Name
	if want == "" {
		want = fmt.Sprint(port.Number)
	}
	return nil, fmt.Errorf("service %s/%s has no port %s", svc.Namespace, svc.Name, want)
}

// podPort resolves targetPort on pod: a number is used as is, a name is
// looked up among the containers' ports, and an unset one means the Service
// port (kubernetes.io/docs/concepts/services-networking/service/#defining-a-service).
func podPort(pod *corev1.Pod, target intstr.IntOrString, servicePort int32) (int32, error) {
	switch {
	case target.Type == intstr.Int && target.IntVal == 0:
		return servicePort, nil
	case target.Type == intstr.Int:
		return target.IntVal, nil
	}
	for _, c := range pod.Spec.Containers {
		for _, p := range c.Ports {
			if p.Name == target.StrVal {
				return p.ContainerPort, nil
			}
		}
	}
	return 0, fmt.Errorf("pod %s has no container port named %q", pod.Name, target.StrVal)
}

func podReady(pod *corev1.Pod) bool {
	if pod.Status.Phase != corev1.PodRunning || pod.DeletionTimestamp != nil {
		return false
	}
	for _, c := range pod.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

func ptrString(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

package lint

// Annotations returns the full names of the Ingress annotations the
// controller of a profile (nginx or alb) reads, sorted, from the same lists
// the nginx-unknown-annotation and alb-unknown-annotation rules check
// against; nil for a profile without controller annotations. Authoring
// tools offer them as completions.
func Annotations(controller string) []string {
	var prefix string
	var names []string
	switch controller {
	case "nginx":
		prefix, names = nginxPrefix, nginxAnnotationNames
	case "alb":
		prefix, names = albPrefix, sortedKeys(albAnnotations)
	default:
		return nil
	}
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = prefix + n
	}
	return out
}

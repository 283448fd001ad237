package lint

// Suggest returns the candidate nearest to s, or "" when none is near
// enough to be a plausible misspelling: one edit for names of up to fifteen
// characters, two for longer ones, where swapping two neighbouring
// characters counts as one edit. Names differing in a whole word
// ("service-a", "service-bar") are not misspellings of each other.
func Suggest(s string, candidates []string) string {
	best, bestD := "", -1
	for _, c := range candidates {
		if len(c) > len(s)+2 || len(s) > len(c)+2 {
			continue // farther than any limit below
		}
		d := editDistance(s, c)
		if bestD < 0 || d < bestD || d == bestD && c < best {
			best, bestD = c, d
		}
	}
	if bestD <= 0 {
		return ""
	}
	limit := 1
	if max(len(s), len(best)) > 15 {
		limit = 2
	}
	if bestD > limit {
		return ""
	}
	return best
}

// editDistance is the optimal string alignment distance over bytes:
// insertions, deletions, substitutions and transpositions of neighbours.
func editDistance(a, b string) int {
	rows := make([][]int, len(a)+1)
	for i := range rows {
		rows[i] = make([]int, len(b)+1)
		rows[i][0] = i
	}
	for j := range rows[0] {
		rows[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d := min(rows[i-1][j]+1, rows[i][j-1]+1, rows[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d = min(d, rows[i-2][j-2]+1)
			}
			rows[i][j] = d
		}
	}
	return rows[len(a)][len(b)]
}

package cluster

import (
	"context"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// maxPages bounds one paginated list so a server that keeps returning a
// continue token cannot loop forever: DefaultPageSize objects times maxPages
// is far beyond any real cluster. A variable so tests can lower it.
var maxPages = 100000

// paginate calls list with Limit set to size, following the continue token
// until the server returns none, and returns every item in order.
//
// When a continue token expires mid-way (410 Gone, because the server
// compacted the resource version it pointed at) the list is made again in
// one request without a limit and the partial result is dropped, as
// client-go's pager does with FullListIfExpired (kubernetes/client-go
// tools/pager/pager.go).
func paginate[T any](ctx context.Context, size int64, list func(context.Context, metav1.ListOptions) ([]T, string, error)) ([]T, error) {
	var out []T
	lo := metav1.ListOptions{Limit: size}
	for range maxPages {
		items, next, err := list(ctx, lo)
		if err != nil {
			if lo.Continue != "" && apierrors.IsResourceExpired(err) {
				items, _, err = list(ctx, metav1.ListOptions{})
				if err != nil {
					return nil, err
				}
				return items, nil
			}
			return nil, err
		}
		out = append(out, items...)
		if next == "" {
			return out, nil
		}
		lo.Continue = next
	}
	return nil, fmt.Errorf("list did not end after %d pages", maxPages)
}

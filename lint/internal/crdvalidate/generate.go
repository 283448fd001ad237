package crdvalidate

// The CRDs are the standard channel's, copied unchanged by update-crds.sh
// from the module this repository requires, so lint validates against the
// very schemas and CEL rules the API server runs when they are installed.
// TestCRDsMatchModule fails when the copies and the required module differ.
//go:generate sh update-crds.sh

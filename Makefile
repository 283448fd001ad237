# ingresskit build and test entry points. `make help` lists them.

GO            ?= go
BIN           ?= bin/ingresskit
STATICCHECK   := honnef.co/go/tools/cmd/staticcheck@v0.8.2
GORELEASER    := github.com/goreleaser/goreleaser/v2@v2.15.0
VALIDATEKREW  := sigs.k8s.io/krew/cmd/validate-krew-manifest@v0.4.3
CYCLONEDX     := github.com/CycloneDX/cyclonedx-gomod/cmd/cyclonedx-gomod@v1.10.0
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)
GOBIN         := $(shell $(GO) env GOPATH)/bin
VERSION       ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo devel)
COMMIT        ?= $(shell git rev-parse HEAD 2>/dev/null || echo unknown)
LDFLAGS       := -X main.version=$(VERSION) -X main.commit=$(COMMIT)
FUZZTIME      ?= 30s

.PHONY: help build demo test check-format vet staticcheck tidy-check docs docs-check unit goreleaser-check release-check release-files snapshot hooks-check sarif-check fuzz bench test-cluster clean

help: ## list the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  %-18s %s\n", $$1, $$2}'

build: ## build bin/ingresskit
	$(GO) build -trimpath -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/ingresskit

demo: build ## run every capability on examples/
	@bash scripts/demo.sh $(BIN)

test: check-format vet staticcheck tidy-check docs-check unit goreleaser-check release-check hooks-check sarif-check ## everything CI checks

check-format: ## fail when gofmt would change a file
	@out=$$(gofmt -l $$(git ls-files '*.go' | grep -v '^test/cluster/apiserver/')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet: ## go vet
	$(GO) vet ./...

staticcheck: ## staticcheck at a pinned version
	@test -x $(GOBIN)/staticcheck && $(GOBIN)/staticcheck -version | grep -q 0.8.2 || $(GO) install $(STATICCHECK)
	$(GOBIN)/staticcheck ./...

tidy-check: ## fail when go mod tidy would change go.mod or go.sum
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	cp go.mod go.sum "$$tmp"/ && $(GO) mod tidy && \
	if ! cmp -s go.mod "$$tmp"/go.mod || ! cmp -s go.sum "$$tmp"/go.sum; then \
		echo "go mod tidy changed go.mod or go.sum; commit the result"; \
		cp "$$tmp"/go.mod "$$tmp"/go.sum .; exit 1; fi

docs: ## regenerate docs/ from the code
	@if [ -d lint/internal/gendocs ]; then $(GO) run ./lint/internal/gendocs -out docs/rules; fi

docs-check: docs ## fail when generated docs differ from the committed ones
	@git diff --exit-code -- docs/ || { echo "generated docs are out of date: run make docs and commit"; exit 1; }
	@test -z "$$(git ls-files --others --exclude-standard docs/)" || { echo "new generated docs are not committed:"; git ls-files --others --exclude-standard docs/; exit 1; }

unit: ## go test -race over every package, with the txtar scripts
	$(GO) test -race -count=1 ./...

goreleaser-check: ## validate .goreleaser.yaml with goreleaser check
	@test -x $(GOBIN)/goreleaser || $(GO) install $(GORELEASER)
	$(GOBIN)/goreleaser check

release-check: ## render .krew.yaml with krew's tools, and check a snapshot release's archives and SBOMs
	@test -x $(GOBIN)/validate-krew-manifest || $(GO) install $(VALIDATEKREW)
	@test -x $(GOBIN)/goreleaser || $(GO) install $(GORELEASER)
	@test -x $(GOBIN)/cyclonedx-gomod || $(GO) install $(CYCLONEDX)
	cd test/release && $(GO) mod tidy -diff && PATH="$(GOBIN):$$PATH" $(GO) test -count=1 -timeout 30m ./...

release-files: ## man pages and shell completions for the release archives, into build/release
	rm -rf build/release
	SOURCE_DATE_EPOCH=$(SOURCE_DATE_EPOCH) $(GO) run ./cmd/ingresskit docs --dir build/release

snapshot: ## build the release archives of the current tree into dist/ (no publishing)
	@test -x $(GOBIN)/goreleaser || $(GO) install $(GORELEASER)
	@test -x $(GOBIN)/cyclonedx-gomod || $(GO) install $(CYCLONEDX)
	PATH="$(GOBIN):$$PATH" $(GOBIN)/goreleaser release --snapshot --clean

sarif-check: ## validate lint's SARIF with ajv against the official SARIF 2.1.0 schema
	bash test/sarif/check.sh

hooks-check: ## run the pre-commit hooks and the GitHub Action's scripts for real
	bash test/hooks/precommit.sh
	bash test/hooks/action.sh

fuzz: ## run every fuzz target for FUZZTIME each
	@$(GO) list -f '{{.ImportPath}} {{.Dir}}' ./... | while read pkg dir; do \
		for f in $$(grep -ho '^func Fuzz[A-Za-z0-9_]*' $$dir/*_test.go 2>/dev/null | sed 's/func //'); do \
			echo "== $$pkg $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
		done; \
	done

bench: ## run the benchmarks
	$(GO) test -run '^$$' -bench . -benchmem ./...

test-cluster: ## tests against a real kube-apiserver and etcd
	@if [ -x scripts/cluster-test.sh ]; then bash scripts/cluster-test.sh; else echo "no cluster tests in this tree"; fi

clean: ## remove build output
	rm -rf bin dist build

package expect_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/assay-go/assay/expect"
)

// poisonAllocator overwrites memory when Arrow frees it, as an allocator that reuses
// or returns memory (a C allocator, a pool) makes it unreadable: a report that still
// pointed into a released batch would show the poison.
type poisonAllocator struct{ memory.Allocator }

func (p poisonAllocator) Free(b []byte) {
	for i := range b {
		b[i] = '#'
	}
	p.Allocator.Free(b)
}

// Reports own their values: the string samples (unexpected values, identifying
// columns of duplicates) are copies, intact after every batch has been released.
func TestReportOutlivesBatches(t *testing.T) {
	mem := memory.NewCheckedAllocator(poisonAllocator{memory.NewGoAllocator()})
	rr := table(t, mem, 2, false,
		col{"name", arrow.BinaryTypes.String, `["ann", "bob", "cyd", "bob", "eve", "ann"]`},
		col{"order", arrow.BinaryTypes.String, `["o-1", "o-2", "o-3", "o-4", "o-5", "o-6"]`})
	rf := expect.ResultFormatOpt(expect.ResultFormat{Format: "COMPLETE", UnexpectedIndexColumnNames: []string{"order"}})
	suite := expect.NewSuite("poison", expect.InSet("name", "ann", "bob", rf), expect.Unique("name", rf))
	rep, err := expect.Validate(context.Background(), suite, rr)
	rr.Release()
	mem.AssertSize(t, 0)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(rep.Results)
	if err != nil {
		t.Fatal(err)
	}
	out := string(b)
	if strings.Contains(out, "#") {
		t.Fatalf("the report points into released Arrow memory: %s", out)
	}
	for _, want := range []string{`"cyd"`, `"eve"`, `"o-3"`, `"o-5"`, `"o-6"`} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %s: %s", want, out)
		}
	}
}

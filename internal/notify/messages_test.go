package notify

import (
	"strings"
	"testing"

	"github.com/digigov/digigov/internal/cases"
	"github.com/digigov/digigov/internal/platform/i18n"
)

// TestMessagesExist: every message a case event can produce has a title
// (without arguments) and a body (using both) in every language.
func TestMessagesExist(t *testing.T) {
	msgs := i18n.MustLoad()
	actions := []cases.Action{cases.ActSubmit, cases.ActForward, cases.ActAccept, cases.ActReject, cases.ActRequestCorrection,
		cases.ActCorrect, cases.ActPass, cases.ActApprove, cases.ActDeny, cases.ActComplete, cases.ActWithdraw}
	states := []cases.State{cases.Submitted, cases.Received}
	sent := 0
	for _, a := range actions {
		for _, st := range states {
			stem, _, ok := caseMessage(a, st)
			if !ok {
				continue
			}
			sent++
			n := &Notification{Title: stem + ".title", Body: stem + ".body", Args: []string{"N-0001", "ITEM"}}
			for _, lang := range i18n.Supported {
				for _, k := range []string{n.Title, n.Body} {
					if !msgs.Has(lang, k) {
						t.Errorf("%s has no %s text", k, lang)
					}
				}
				title, body := n.Render(msgs, lang)
				if title == "" || strings.Contains(title+body, "%!") || !strings.Contains(body, "N-0001") || !strings.Contains(body, "ITEM") {
					t.Errorf("%s in %s: %q / %q", stem, lang, title, body)
				}
			}
		}
	}
	if sent < 9 {
		t.Errorf("only %d action/state pairs notify", sent)
	}
}

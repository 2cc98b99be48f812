package sealdoc

import (
	"context"
	"strings"
	"time"

	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
)

// Decision is what an authority's decision on a case (决定书) states. The
// caller (the composition root, on a case's completion) fills it from the
// case; this package knows nothing of cases.
type Decision struct {
	CaseID      ids.ID
	CaseNumber  string
	ItemName    string
	Applicant   string // the applicant's name, as the case shows it
	AuthorityID ids.ID // the competent authority, whose seal seals it
	Approved    bool
	Text        string // the written decision or reason
	SubmittedAt time.Time
	Holder      Holder // the applicant: who may download it
}

// DecisionKey is the Key of a case's decision: one per case.
func DecisionKey(caseID ids.ID) string { return "case-decision:" + string(caseID) }

// CaseRef is the Ref of a case's documents.
func CaseRef(caseID ids.ID) Ref { return Ref{Type: "case", ID: string(caseID)} }

// DecisionDocument lays a decision out as a document: the title says
// whether the application was granted (准予办理决定书 / 不予办理决定书), the
// body restates the application and the decision, and a refusal tells the
// applicant the remedies the law gives (行政复议 within 60 days, 行政诉讼
// within six months).
func DecisionDocument(d Decision) Document {
	submitted := ""
	if !d.SubmittedAt.IsZero() {
		submitted = "于" + d.SubmittedAt.In(shanghai).Format("2006年1月2日")
	}
	paras := []string{"你（单位）" + submitted + "提出的“" + d.ItemName + "”申请（办件编号：" + d.CaseNumber + "），本机关已依法受理并审查。"}
	text := strings.TrimSpace(d.Text)
	title := "准予办理决定书"
	if d.Approved {
		paras = append(paras, "经审查，申请符合法定条件和标准，本机关决定准予办理。")
		if text != "" {
			paras = append(paras, "审批意见："+text)
		}
	} else {
		title = "不予办理决定书"
		reason := "经审查，申请不符合法定条件和标准，本机关决定不予办理。"
		if text != "" {
			reason += "理由：" + text
		}
		paras = append(paras, reason,
			"如不服本决定，可以自收到本决定书之日起六十日内依法申请行政复议，或者在六个月内依法向人民法院提起行政诉讼。")
	}
	return Document{
		Kind: KindDecision, Title: title, Recipient: d.Applicant, Paragraphs: paras,
		Fields: []Field{{"办件编号", d.CaseNumber}, {"申请事项", d.ItemName}, {"申请人", d.Applicant}},
		Ref:    CaseRef(d.CaseID), Key: DecisionKey(d.CaseID), Holder: d.Holder,
	}
}

// IssueDecision renders and seals a case's decision with its authority's
// seal, on behalf of the node. It is idempotent: a case's decision is
// issued once, and a second call returns the first document.
func (s *Service) IssueDecision(ctx context.Context, d Decision) (*Signed, error) {
	doc := DecisionDocument(d)
	out, err := s.IssueAs(ctx, audit.System("决定书自动签发"), d.AuthorityID, doc)
	if e := errs.As(err); e != nil && e.Code == errs.Conflict && e.Msg == "sealdoc.exists" {
		return s.store.DocumentByKey(ctx, d.AuthorityID, doc.Key)
	}
	return out, err
}

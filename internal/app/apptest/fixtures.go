package apptest

import (
	"context"
	"testing"

	"github.com/digigov/digigov/internal/catalog"
	"github.com/digigov/digigov/internal/identity"
)

// Caller loads an account of the node as the services see it (through an
// API token, as a system calling the API would).
func (n *Node) Caller(t testing.TB, username string) *identity.Caller {
	t.Helper()
	c, err := n.App.Identity.CallerByAPIToken(context.Background(), n.Token(t, username))
	if err != nil {
		t.Fatalf("caller %s: %v", username, err)
	}
	return c
}

// TestItem is a 人社 matter for tests, decided at level, with the three
// steps (受理 and 审查 by case officers, 决定 by the department head), and a
// form with a required reason (at most 20 characters), a required phone and
// an optional start date.
func TestItem(code string, level catalog.Level, scopes ...catalog.Scope) catalog.Item {
	return catalog.Item{
		Code: code, Name: "测试事项" + code, Type: catalog.TypePublic, Department: "hrss", Level: level,
		Materials: []catalog.Material{{Name: "居民身份证", Required: true, Form: "original"}},
		Form: []catalog.Field{
			{Name: "reason", Label: "申请事由", Kind: catalog.FieldText, Required: true, MaxLength: 20},
			{Name: "phone", Label: "联系电话", Kind: catalog.FieldPhone, Required: true},
			{Name: "start", Label: "开始日期", Kind: catalog.FieldDate},
		},
		PromisedDays: 5, StatutoryDays: 20, Fee: "不收费", OnlineDepth: 4, Trips: 0, Scopes: scopes,
		Channels: []catalog.Channel{catalog.ChannelOnline}, Targets: []catalog.Target{catalog.TargetPerson},
		Steps: []catalog.Step{{Stage: catalog.StageAccept, Role: identity.RoleCaseOfficer},
			{Stage: catalog.StageReview, Role: identity.RoleCaseOfficer},
			{Stage: catalog.StageDecide, Role: identity.RoleDepartmentHead}},
		Result: "测试结果",
	}
}

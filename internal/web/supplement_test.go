package web_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/digigov/digigov/internal/app"
	"github.com/digigov/digigov/internal/app/apptest"
	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/cases"
	"github.com/digigov/digigov/internal/catalog"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/store/storetest"
)

// TestCorrectionWithNewMaterial: the officer asks for a better photo; the
// applicant uploads one on the case page; it replaces the old one and the
// case goes back to the officer. A file of the wrong type is refused with a
// sentence and changes nothing.
func TestCorrectionWithNewMaterial(t *testing.T) {
	n := apptest.Start(t, storetest.Engines(t)[0])
	ctx := context.Background()
	it := apptest.TestItem("TST-0009", catalog.LevelCity, catalog.ScopeProvince)
	it.Form = append(it.Form, catalog.Field{Name: "photo", Label: "照片", Kind: catalog.FieldFile})
	if _, err := n.App.Catalog.ImportAs(ctx, audit.System("test"), []catalog.Item{it}); err != nil {
		t.Fatal(err)
	}
	citizen := n.Caller(t, "citizen")
	jpeg := append([]byte{0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 'J', 'F', 'I', 'F', 0}, bytes.Repeat([]byte{1}, 100)...)
	first, err := n.App.Cases.Upload(ctx, citizen, "photo", "旧照片.jpg", bytes.NewReader(jpeg))
	if err != nil {
		t.Fatal(err)
	}
	c, err := n.App.Cases.Apply(ctx, citizen, cases.Application{ItemCode: it.Code, DecideIn: "440106",
		Form: map[string]string{"reason": "换领", "phone": "13800138000", "photo": first.SHA256}, Materials: []cases.MaterialRef{first}})
	if err != nil {
		t.Fatal(err)
	}
	officer := n.Caller(t, "officer")
	if c, err = n.App.Cases.Act(ctx, officer, c.ID, c.Version, cases.ActAccept, ""); err != nil {
		t.Fatal(err)
	}
	if c, err = n.App.Cases.Act(ctx, officer, c.ID, c.Version, cases.ActRequestCorrection, "照片不清晰，请重新上传"); err != nil {
		t.Fatal(err)
	}

	web := n.Client(t)
	web.Login("citizen", app.DemoPassword)
	page := web.Get("/cases/" + string(c.ID))
	if page.Doc.Find(`#case-actions input[name="photo__file"]`).Length() != 1 {
		t.Fatalf("the correction form offers no upload")
	}
	post := func(file []byte, name string) *apptest.Response {
		t.Helper()
		csrf, _ := web.Get("/cases/" + string(c.ID)).Doc.Find(`input[name="csrf"]`).First().Attr("value")
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		mw.WriteField("csrf", csrf)
		mw.WriteField("version", strconv.Itoa(c.Version))
		mw.WriteField("action", "correct")
		mw.WriteField("comment", "已重新上传")
		fw, _ := mw.CreateFormFile("photo__file", name)
		fw.Write(file)
		mw.Close()
		req, _ := http.NewRequest(http.MethodPost, n.URL+"/cases/"+string(c.ID)+"/act", &body)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		return web.Do(req)
	}
	r := post([]byte("<html><script>alert(1)</script></html>"), "照片.html")
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Doc.Find("#e-photo").Text(), "10 MB") {
		t.Fatalf("wrong file type: %d %q", r.StatusCode, r.Doc.Find("#e-photo").Text())
	}
	newer := append(append([]byte{}, jpeg...), 2, 3, 4)
	if r := post(newer, "新照片.jpg"); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("supplement: %d %s", r.StatusCode, r.Doc.Find("#case-error").Text())
	}
	got, _, err := n.App.Cases.Get(ctx, citizen, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.State != cases.InReview || len(got.Materials) != 1 || got.Materials[0].Name != "新照片.jpg" || got.Form["photo"] == first.SHA256 {
		t.Errorf("after the supplement: state %s, materials %+v", got.State, got.Materials)
	}
}

// TestJointHandlingPages: the contributing bureau finds the case in its
// queue, gives its opinion on the case page, and the lead then decides.
func TestJointHandlingPages(t *testing.T) {
	n := apptest.Start(t, storetest.Engines(t)[0])
	ctx := context.Background()
	citizen := n.Caller(t, "citizen")
	idn := idNumberOf(t, n, "citizen").Clear()
	c, err := n.App.Cases.Apply(ctx, citizen, cases.Application{ItemCode: "HRSS-0005", DecideIn: "440106", Form: map[string]string{
		"applicant_name": "张明", "id_number": idn, "phone": "13800138000", "transfer_out_region": "440304", "insurance_kind": "企业职工基本养老保险"}})
	if err != nil {
		t.Fatalf("apply for 养老保险关系转移接续: %v", err)
	}
	orgs, _ := n.App.Identity.Organizations(ctx)
	for _, o := range orgs {
		if o.Department == "hrss" && o.Region == "4403" {
			if _, err := n.App.Identity.CreateStaffAs(ctx, audit.System("test"), identityStaff("sz_officer", o)); err != nil {
				t.Fatal(err)
			}
		}
	}
	sz := n.Client(t)
	sz.Login("sz_officer", app.DemoPassword)
	q := sz.Get("/workbench/cases")
	if q.Doc.Find(`#contribution-queue a[href="/cases/`+string(c.ID)+`"]`).Length() != 1 {
		t.Fatalf("the 深圳 bureau's queue does not list the case awaiting its opinion")
	}
	if r := sz.Post("/cases/"+string(c.ID)+"/contribute", url.Values{"opinion": {""}}); r.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("empty opinion: %d", r.StatusCode)
	}
	if r := sz.Post("/cases/"+string(c.ID)+"/contribute", url.Values{"opinion": {"同意转出"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("opinion: %d", r.StatusCode)
	}
	page := sz.Get("/cases/" + string(c.ID))
	if !strings.Contains(page.Doc.Find("#contributions").Text(), "同意转出") {
		t.Errorf("the case page does not show the opinion")
	}
}

func identityStaff(username string, o identity.Organization) identity.NewStaff {
	return identity.NewStaff{Username: username, Name: "深圳审批员", Password: app.DemoPassword, OrgID: o.ID,
		Grants: []identity.Grant{{Role: identity.RoleCaseOfficer, Scope: o.Region}}}
}

// TestBookForAPersonPage: from the counter desk, staff book a slot for an
// elderly person by the ID number on their card.
func TestBookForAPersonPage(t *testing.T) {
	n := apptest.Start(t, storetest.Engines(t)[0])
	ctx := context.Background()
	counter := n.Client(t)
	counter.Login("counter", app.DemoPassword)
	desk := counter.Get("/workbench/appointments")
	href, ok := desk.Doc.Find("#book-for").Attr("href")
	if !ok {
		t.Fatalf("the desk has no link to book for a person")
	}
	day := n.App.Calendar.AddWorkdays(time.Now(), 1).Format("2006-01-02")
	page := counter.Get(href + "&date=" + day)
	if page.Doc.Find(`#slot-form input[name="applicant"]`).Length() != 1 {
		t.Fatalf("the booking page offers staff no applicant field")
	}
	slot, _ := page.Doc.Find(`#slot-form input[name="slot"]:not([disabled])`).First().Attr("value")
	center, _ := page.Doc.Find(`#slot-form input[name="center"]`).Attr("value")
	id := idNumberOf(t, n, "elder").Clear()
	r := counter.Post("/appointments", url.Values{"center": {center}, "date": {day}, "slot": {slot},
		"applicant": {id}, "consent": {"本人到场，口头同意"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("book for a person: %d %s", r.StatusCode, r.Doc.Find("#booking-error").Text())
	}
	mine, err := n.App.Appointments.Mine(ctx, n.Caller(t, "elder"), 10)
	if err != nil || len(mine) != 1 {
		t.Fatalf("the elder's bookings: %v %v", mine, err)
	}
}

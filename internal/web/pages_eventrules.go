package web

import (
	"context"
	"net/http"
	"sort"
	"strconv"

	"github.com/danielgtaylor/huma/v2"

	"github.com/digigov/digigov/internal/governance"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/region"
)

// Routing rule pages (智能分拨规则): a dispatcher or rule keeper lists the
// rules of their region scope; a rule keeper adds, edits and deletes them.
// The service decides what is in scope; a rule outside it is not found.

type eventRulesPage struct {
	Rules   []eventRuleRow
	Groups  []eventGroup
	Depts   []string
	Levels  []int
	Picker  *picker
	CanEdit bool
	Edit    *governance.Rule // the rule being edited, nil on the list
}

type eventRuleRow struct {
	governance.Rule
	Cat governance.Category
}

// departmentCodes are the department types, sorted, for the select.
func departmentCodes() []string {
	out := make([]string, 0, len(governance.Departments))
	for k := range governance.Departments {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func (s *Server) handleEventRules(w http.ResponseWriter, r *http.Request) error {
	return s.renderEventRules(w, r, nil, nil)
}

// renderEventRules shows the list with the new-rule form, or (edit != nil)
// the edit form of one rule.
func (s *Server) renderEventRules(w http.ResponseWriter, r *http.Request, edit *governance.Rule, refused *errs.Error) error {
	by := caller(r)
	list, err := s.governance.Rules(r.Context(), by)
	if err != nil {
		return err
	}
	d := &eventRulesPage{Groups: eventGroups(), Depts: departmentCodes(), Levels: []int{1, 2, 3, 4, 5}, Edit: edit,
		CanEdit: identity.Authorize(by, identity.PermEventRules, "") == nil}
	for _, x := range list {
		c, _ := governance.CategoryOf(x.Category)
		d.Rules = append(d.Rules, eventRuleRow{Rule: x, Cat: c})
	}
	def := region.Code("")
	if sc := by.Scopes(identity.PermEventRules); len(sc) > 0 {
		def = sc[0]
	}
	p := &page{Title: "eventsui.rules_title", Face: identity.FaceWorkbench, Data: d, Form: r.PostForm}
	if edit != nil {
		def = edit.Region
		if refused == nil {
			p.Form = map[string][]string{"category": {edit.Category}, "department": {edit.Department},
				"level": {strconv.Itoa(int(edit.Level))}}
			if edit.Auto {
				p.Form["auto"] = []string{"1"}
			}
		}
	}
	if refused != nil {
		def = region.Code(pickedRegion(r.PostForm, "region"))
		p.Status, p.Errors, p.Args = status(refused), errorsOf(refused), refused.Args
	}
	d.Picker = s.newPicker("region", "eventsui.rule_region", def)
	return s.rd.render(w, r, "event_rules", p)
}

// ruleInput reads the rule form.
func ruleInput(r *http.Request) governance.RuleInput {
	f := r.PostForm
	level, _ := strconv.Atoi(f.Get("level"))
	return governance.RuleInput{Category: f.Get("category"), Region: pickedRegion(f, "region"), Department: f.Get("department"),
		Level: level, Auto: f.Get("auto") != ""}
}

func (s *Server) handleEventRuleCreate(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	_, err := s.governance.CreateRule(r.Context(), caller(r), ruleInput(r))
	if e := errs.As(err); e != nil && e.Code == errs.Invalid {
		return s.renderEventRules(w, r, nil, e)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/workbench/event-rules", http.StatusSeeOther)
	return nil
}

func (s *Server) handleEventRuleEdit(w http.ResponseWriter, r *http.Request) error {
	rule, err := s.editableRule(r)
	if err != nil {
		return err
	}
	return s.renderEventRules(w, r, rule, nil)
}

// editableRule is the rule of the path, if the caller may change it.
func (s *Server) editableRule(r *http.Request) (*governance.Rule, error) {
	by := caller(r)
	rule, err := s.governance.Rule(r.Context(), by, ids.ID(r.PathValue("id")))
	if err != nil {
		return nil, err
	}
	if err := identity.Authorize(by, identity.PermEventRules, rule.Region); err != nil {
		return nil, errs.E(errs.NotFound, "event.rule_not_found")
	}
	return rule, nil
}

func (s *Server) handleEventRuleUpdate(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	id := ids.ID(r.PathValue("id"))
	_, err := s.governance.UpdateRule(r.Context(), caller(r), id, ruleInput(r))
	if e := errs.As(err); e != nil && e.Code == errs.Invalid {
		rule, err := s.editableRule(r)
		if err != nil {
			return err
		}
		return s.renderEventRules(w, r, rule, e)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/workbench/event-rules", http.StatusSeeOther)
	return nil
}

func (s *Server) handleEventRuleDelete(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	if err := s.governance.DeleteRule(r.Context(), caller(r), ids.ID(r.PathValue("id"))); err != nil {
		return err
	}
	http.Redirect(w, r, "/workbench/event-rules", http.StatusSeeOther)
	return nil
}

// registerEventRuleAPI adds the change of a routing rule to the event API
// (listing, creating and deleting are in api_governance.go).
func (s *Server) registerEventRuleAPI(api huma.API) {
	type eventRuleUpdateInput struct {
		ID   string `path:"id" maxLength:"36"`
		Body struct {
			Category   string `json:"category" maxLength:"4" doc:"a group (01) or subcategory (0101)"`
			Region     string `json:"region" maxLength:"12"`
			Department string `json:"department" maxLength:"40"`
			Level      int    `json:"level" minimum:"1" maximum:"5"`
			Auto       bool   `json:"auto,omitempty"`
		}
	}
	huma.Register(api, huma.Operation{
		OperationID: "update-event-rule", Method: http.MethodPut, Path: "/api/v1/event-rules/{id}",
		Summary: "Change a routing rule", Tags: []string{"events"}, Security: bearer,
		Description: "For holders of event.rules over the rule's region and the new one; 404 for a rule outside that scope.",
	}, func(ctx context.Context, in *eventRuleUpdateInput) (*struct{ Body eventRuleBody }, error) {
		by, err := s.apiCaller(ctx)
		if err != nil {
			return nil, err
		}
		b := in.Body
		r, err := s.governance.UpdateRule(ctx, by, ids.ID(in.ID), governance.RuleInput{Category: b.Category, Region: b.Region,
			Department: b.Department, Level: b.Level, Auto: b.Auto})
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		return &struct{ Body eventRuleBody }{eventRuleBodyOf(r)}, nil
	})
}

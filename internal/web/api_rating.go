package web

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/rating"
	"github.com/digigov/digigov/internal/region"
)

// Huma names schemas after these types: they carry the rating prefix so
// that they cannot collide with another domain's.

type ratingBody struct {
	CaseID        string          `json:"case_id"`
	CaseNumber    string          `json:"case_number"`
	ItemCode      string          `json:"item_code"`
	ItemName      string          `json:"item_name"`
	Authority     string          `json:"authority"`
	Region        string          `json:"region" doc:"办理地: region code of the case's authority"`
	Score         int             `json:"score" doc:"5 非常满意, 4 满意, 3 基本满意, 2 不满意, 1 非常不满意"`
	Guide         int             `json:"guide,omitempty" doc:"办事指南 sub-score 1–5; absent if not given"`
	Convenience   int             `json:"convenience,omitempty" doc:"办理便捷 sub-score"`
	Timeliness    int             `json:"timeliness,omitempty" doc:"办理时效 sub-score"`
	Attitude      int             `json:"attitude,omitempty" doc:"服务态度 sub-score"`
	Comment       string          `json:"comment,omitempty"`
	CreatedAt     time.Time       `json:"created_at"`
	Rectification *ratingTaskBody `json:"rectification,omitempty" doc:"the rectification task a bad rating opened (only in the answer to the rating)"`
}

type ratingTaskBody struct {
	ID         string     `json:"id"`
	CaseID     string     `json:"case_id"`
	CaseNumber string     `json:"case_number"`
	ItemCode   string     `json:"item_code"`
	ItemName   string     `json:"item_name"`
	Authority  string     `json:"authority"`
	Region     string     `json:"region"`
	Score      int        `json:"score" doc:"the rating that opened the task"`
	Comment    string     `json:"comment,omitempty" doc:"the applicant's comment"`
	Due        time.Time  `json:"due" doc:"end of the 15th working day after the rating"`
	State      string     `json:"state" enum:"open,closed"`
	Light      string     `json:"light" enum:"on_time,warning,overdue"`
	Callback   string     `json:"callback,omitempty" doc:"回访: the call-back with the applicant"`
	Action     string     `json:"action,omitempty" doc:"what was rectified"`
	ClosedBy   string     `json:"closed_by,omitempty" doc:"name of who closed it"`
	ClosedAt   *time.Time `json:"closed_at,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
}

type ratingStatBody struct {
	Key              string  `json:"key" doc:"item code, authority ID or region code"`
	Name             string  `json:"name"`
	Count            int     `json:"count"`
	Average          float64 `json:"average" doc:"mean score, 1–5"`
	SatisfactionRate float64 `json:"satisfaction_rate" doc:"share of 满意 and 非常满意, 0–1"`
	Bad              int     `json:"bad" doc:"ratings of 不满意 or worse"`
	Rectified        int     `json:"rectified" doc:"bad ratings whose rectification is closed"`
}

func ratingBodyOf(r *rating.Rating) ratingBody {
	return ratingBody{CaseID: string(r.CaseID), CaseNumber: r.CaseNumber, ItemCode: r.ItemCode, ItemName: r.ItemName,
		Authority: r.Authority, Region: string(r.Region), Score: int(r.Score), Guide: int(r.Aspects.Guide),
		Convenience: int(r.Aspects.Convenience), Timeliness: int(r.Aspects.Timeliness), Attitude: int(r.Aspects.Attitude),
		Comment: r.Comment, CreatedAt: r.CreatedAt}
}

func (s *Server) ratingTaskBodyOf(x *rating.Rectification) *ratingTaskBody {
	return &ratingTaskBody{ID: string(x.ID), CaseID: string(x.CaseID), CaseNumber: x.CaseNumber, ItemCode: x.ItemCode,
		ItemName: x.ItemName, Authority: x.Authority, Region: string(x.Region), Score: int(x.Score), Comment: x.Comment,
		Due: x.Due, State: string(x.State), Light: s.rating.Light(x).String(), Callback: x.Callback, Action: x.Action,
		ClosedBy: x.ClosedByName, ClosedAt: timePtr(x.ClosedAt), CreatedAt: x.CreatedAt}
}

func ratingStatBodyOf(st rating.Stat) ratingStatBody {
	return ratingStatBody{Key: st.Key, Name: st.Name, Count: st.Count, Average: st.Average(),
		SatisfactionRate: st.SatisfactionRate(), Bad: st.Bad, Rectified: st.Rectified}
}

func (s *Server) registerRatingAPI(api huma.API) {
	type ratingOutput struct{ Body ratingBody }
	type ratingCaseInput struct {
		ID string `path:"id" maxLength:"36"`
	}
	type ratingGiveInput struct {
		ID   string `path:"id" maxLength:"36"`
		Body struct {
			Score       int    `json:"score" minimum:"1" maximum:"5" doc:"5 非常满意, 4 满意, 3 基本满意, 2 不满意, 1 非常不满意"`
			Guide       int    `json:"guide,omitempty" minimum:"0" maximum:"5" doc:"办事指南 sub-score 1–5; 0 or absent: not given"`
			Convenience int    `json:"convenience,omitempty" minimum:"0" maximum:"5" doc:"办理便捷 sub-score"`
			Timeliness  int    `json:"timeliness,omitempty" minimum:"0" maximum:"5" doc:"办理时效 sub-score"`
			Attitude    int    `json:"attitude,omitempty" minimum:"0" maximum:"5" doc:"服务态度 sub-score"`
			Comment     string `json:"comment,omitempty" maxLength:"500"`
		}
	}
	huma.Register(api, huma.Operation{
		OperationID: "rate-case", Method: http.MethodPost, Path: "/api/v1/cases/{id}/rating", DefaultStatus: http.StatusCreated,
		Summary: "Rate a completed case (好差评)", Tags: []string{"ratings"}, Security: bearer,
		Description: "For the case's applicant, once, after the case is completed; a rating cannot be changed. " +
			"409 when the case is not completed or already rated, 403 for others who may see the case, 404 for the rest. " +
			"A score of 2 or 1 opens a rectification task for the case's authority, due in 15 working days, returned as `rectification`.",
	}, func(ctx context.Context, in *ratingGiveInput) (*ratingOutput, error) {
		by, err := s.apiCaller(ctx)
		if err != nil {
			return nil, err
		}
		b := in.Body
		r, x, err := s.rating.Rate(ctx, by, ids.ID(in.ID), rating.Input{Score: rating.Score(b.Score), Comment: b.Comment,
			Aspects: rating.Aspects{Guide: rating.Score(b.Guide), Convenience: rating.Score(b.Convenience),
				Timeliness: rating.Score(b.Timeliness), Attitude: rating.Score(b.Attitude)}})
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		out := &ratingOutput{Body: ratingBodyOf(r)}
		if x != nil {
			out.Body.Rectification = s.ratingTaskBodyOf(x)
		}
		return out, nil
	})

	huma.Register(api, huma.Operation{
		OperationID: "get-case-rating", Method: http.MethodGet, Path: "/api/v1/cases/{id}/rating",
		Summary: "The rating of a case", Tags: []string{"ratings"}, Security: bearer,
		Description: "For the applicant and for staff who handle, decide or audit cases, or view the cockpit, over the case's region. " +
			"404 when the case has no rating or is out of reach.",
	}, func(ctx context.Context, in *ratingCaseInput) (*ratingOutput, error) {
		by, err := s.apiCaller(ctx)
		if err != nil {
			return nil, err
		}
		r, err := s.rating.CaseRating(ctx, by, ids.ID(in.ID))
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		return &ratingOutput{Body: ratingBodyOf(r)}, nil
	})

	type ratingTasksInput struct {
		State string `query:"state" enum:"open,closed,all" default:"open"`
		Limit int    `query:"limit" minimum:"1" maximum:"500" default:"100"`
	}
	type ratingTasksOutput struct {
		Body struct {
			Items []*ratingTaskBody `json:"items"`
		}
	}
	huma.Register(api, huma.Operation{
		OperationID: "list-rectifications", Method: http.MethodGet, Path: "/api/v1/rectifications",
		Summary: "Rectification tasks of bad ratings (整改)", Tags: []string{"ratings"}, Security: bearer,
		Description: "For staff holding case.decide (department heads): the tasks of their authority within their scope, " +
			"open ones first, earliest due first, with a traffic light (overdue: past the due date).",
	}, func(ctx context.Context, in *ratingTasksInput) (*ratingTasksOutput, error) {
		by, err := s.apiCaller(ctx)
		if err != nil {
			return nil, err
		}
		st := rating.State(in.State)
		if st == "all" {
			st = ""
		}
		list, err := s.rating.Rectifications(ctx, by, st, in.Limit)
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		out := &ratingTasksOutput{}
		out.Body.Items = make([]*ratingTaskBody, len(list))
		for i := range list {
			out.Body.Items[i] = s.ratingTaskBodyOf(&list[i])
		}
		return out, nil
	})

	type ratingCloseInput struct {
		ID   string `path:"id" maxLength:"36"`
		Body struct {
			Callback string `json:"callback" maxLength:"2000" doc:"回访: what the applicant said when called back (required)"`
			Action   string `json:"action" maxLength:"2000" doc:"what was rectified (required)"`
		}
	}
	type ratingTaskOutput struct{ Body *ratingTaskBody }
	huma.Register(api, huma.Operation{
		OperationID: "close-rectification", Method: http.MethodPost, Path: "/api/v1/rectifications/{id}/close",
		Summary: "Close a rectification task", Tags: []string{"ratings"}, Security: bearer,
		Description: "Records the call-back with the applicant and the rectification done; both are required (422). " +
			"409 when the task is closed already.",
	}, func(ctx context.Context, in *ratingCloseInput) (*ratingTaskOutput, error) {
		by, err := s.apiCaller(ctx)
		if err != nil {
			return nil, err
		}
		x, err := s.rating.Close(ctx, by, ids.ID(in.ID), in.Body.Callback, in.Body.Action)
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		return &ratingTaskOutput{Body: s.ratingTaskBodyOf(x)}, nil
	})

	type ratingStatsInput struct {
		By     string `query:"by" enum:"item,authority,city,county,province" default:"item"`
		Region string `query:"region" pattern:"^[0-9]{2,12}$" doc:"only ratings within this region (inside the caller's scope)"`
	}
	type ratingStatsOutput struct {
		Body struct {
			By     string           `json:"by"`
			Groups []ratingStatBody `json:"groups" doc:"most ratings first"`
			Total  ratingStatBody   `json:"total"`
		}
	}
	huma.Register(api, huma.Operation{
		OperationID: "rating-stats", Method: http.MethodGet, Path: "/api/v1/ratings/stats",
		Summary: "Rating statistics by item, authority or region", Tags: []string{"ratings"}, Security: bearer,
		Description: "For staff holding audit.read or cockpit.view: the ratings of cases decided within their scopes, " +
			"grouped by service item, by authority, or by the region where the case was decided (city: 4-digit code, " +
			"county: 6, province: 2). Count, average score, satisfaction rate (share of 4 and 5), bad ratings, rectified ones.",
	}, func(ctx context.Context, in *ratingStatsInput) (*ratingStatsOutput, error) {
		by, err := s.apiCaller(ctx)
		if err != nil {
			return nil, err
		}
		rep, err := s.rating.Stats(ctx, by, rating.Grouping(in.By), region.Code(in.Region))
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		out := &ratingStatsOutput{}
		out.Body.By, out.Body.Total = string(rep.By), ratingStatBodyOf(rep.Total)
		out.Body.Groups = make([]ratingStatBody, len(rep.Groups))
		for i, g := range rep.Groups {
			out.Body.Groups[i] = ratingStatBodyOf(g)
		}
		return out, nil
	})
}

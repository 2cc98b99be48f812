package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/i18n"
)

// facePath is where each face lives.
func facePath(f identity.Face) string {
	switch f {
	case identity.FaceWorkbench:
		return "/workbench"
	case identity.FaceCockpit:
		return "/cockpit"
	}
	return "/portal"
}

func (s *Server) handleLoginForm(w http.ResponseWriter, r *http.Request) error {
	if c := caller(r); !c.Anonymous() {
		http.Redirect(w, r, facePath(c.Face()), http.StatusSeeOther)
		return nil
	}
	return s.rd.render(w, r, "login", &page{Title: "login.title", Form: url.Values{"next": {r.URL.Query().Get("next")}}})
}

// handleLogin signs a person in. Every failure gets the same sentence, so
// the page does not reveal whether an account exists.
func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	token, c, err := s.id.SignIn(r.Context(), strings.TrimSpace(r.PostForm.Get("username")), r.PostForm.Get("password"))
	if errs.Is(err, errs.Unauthenticated) {
		form := url.Values{"username": {r.PostForm.Get("username")}, "next": {r.PostForm.Get("next")}}
		return s.rd.render(w, r, "login", &page{Title: "login.title", Status: http.StatusUnauthorized, Form: form,
			Errors: map[string]string{"form": "login.failed"}})
	}
	if err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: cookieSession, Value: token, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil, MaxAge: int(identity.SessionLifetime.Seconds())})
	// A language or elderly mode chosen before signing in is the person's
	// latest choice: keep it on the account.
	if lang, elderly, ok := cookiePreferences(r, c); ok && (lang != c.Locale || elderly != c.Elderly) {
		if err := s.id.SetPreferences(r.Context(), c, lang, elderly); err != nil {
			return err
		}
	}
	clearCookie(w, cookieCSRF)
	next := r.PostForm.Get("next")
	if next == "" || safeNext(next) == "/" {
		next = facePath(c.Face())
	}
	http.Redirect(w, r, safeNext(next), http.StatusSeeOther)
	return nil
}

func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request) error {
	st := state(r.Context())
	if st.Session != "" {
		if err := s.id.SignOut(r.Context(), st.Caller, st.Session); err != nil {
			return err
		}
	}
	clearCookie(w, cookieSession)
	http.Redirect(w, r, "/", http.StatusSeeOther)
	return nil
}

func (s *Server) handleRegisterForm(w http.ResponseWriter, r *http.Request) error {
	if c := caller(r); !c.Anonymous() {
		http.Redirect(w, r, facePath(c.Face()), http.StatusSeeOther)
		return nil
	}
	kind := r.URL.Query().Get("kind")
	if kind != "enterprise" {
		kind = "person"
	}
	return s.rd.render(w, r, "register", &page{Title: "register.title", Form: url.Values{"kind": {kind}}})
}

// handleRegister opens a citizen or enterprise account. Invalid fields
// come back marked, each with a sentence saying what is wrong; nothing is
// written until every field is valid.
func (s *Server) handleRegister(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	f := r.PostForm
	var err error
	if f.Get("kind") == "enterprise" {
		_, err = s.id.RegisterEnterprise(r.Context(), identity.EnterpriseSignup{
			Username: f.Get("username"), EnterpriseName: f.Get("enterprise_name"), USCC: f.Get("uscc"),
			AgentName: f.Get("agent_name"), AgentIDNumber: f.Get("agent_id_number"), Phone: f.Get("phone"),
			Password: f.Get("password"),
		})
	} else {
		f.Set("kind", "person")
		_, err = s.id.RegisterPerson(r.Context(), identity.PersonSignup{
			Username: f.Get("username"), Name: f.Get("name"), IDNumber: f.Get("id_number"),
			Phone: f.Get("phone"), Password: f.Get("password"),
		})
	}
	if e := errs.As(err); e != nil && e.Code == errs.Invalid {
		f.Del("password")
		return s.rd.render(w, r, "register", &page{Title: "register.title", Status: http.StatusUnprocessableEntity,
			Form: f, Errors: e.Fields})
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/login?registered=1", http.StatusSeeOther)
	return nil
}

// handlePreferences switches the language or elderly mode. The choice is
// kept in cookies for visitors and saved to the account for people signed
// in, so it follows them to another device.
func (s *Server) handlePreferences(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	st := state(r.Context())
	lang, elderly := st.Lang, st.Elderly
	if l := r.PostForm.Get("lang"); l != "" {
		if lang = i18n.Match(l); lang == "" {
			return errs.Fields(map[string]string{"lang": "locale.invalid"})
		}
	}
	if e := r.PostForm.Get("elderly"); e != "" {
		elderly = e == "1"
	}
	if !st.Caller.Anonymous() && !st.ViaAPI {
		if err := s.id.SetPreferences(r.Context(), st.Caller, lang, elderly); err != nil {
			return err
		}
	}
	setPrefCookie(w, r, cookieLang, lang)
	e := "0"
	if elderly {
		e = "1"
	}
	setPrefCookie(w, r, cookieElderly, e)
	http.Redirect(w, r, safeNext(r.PostForm.Get("next")), http.StatusSeeOther)
	return nil
}

// cookiePreferences returns the language and elderly mode a visitor chose
// before signing in, if they chose any; what they did not choose stays as
// the account has it.
func cookiePreferences(r *http.Request, c *identity.Caller) (lang string, elderly bool, ok bool) {
	lang, elderly = c.Locale, c.Elderly
	if ck, err := r.Cookie(cookieLang); err == nil && i18n.Match(ck.Value) != "" {
		lang, ok = i18n.Match(ck.Value), true
	}
	if ck, err := r.Cookie(cookieElderly); err == nil {
		elderly, ok = ck.Value == "1", true
	}
	return lang, elderly, ok
}

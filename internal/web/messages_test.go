package web

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/i18n"
)

// TestEveryMessageIsTranslated checks that each message key the code and
// templates use exists in every language, so no page shows a raw key.
func TestEveryMessageIsTranslated(t *testing.T) {
	msgs := i18n.MustLoad()
	keys := map[string]string{} // key → where it was found

	tmplKey := regexp.MustCompile(`\.T "([^"]+)"`)
	fs.WalkDir(templateFS, "templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := fs.ReadFile(templateFS, p)
		for _, m := range tmplKey.FindAllStringSubmatch(string(b), -1) {
			keys[m[1]] = p
		}
		return nil
	})

	// Keys in Go code: coded errors and field errors.
	goKey := regexp.MustCompile(`errs\.E\(errs\.\w+, "([a-z_.]+)"\)|"[a-z_]+": +"([a-z_]+\.[a-z_]+)"|Title: +"([a-z_]+\.[a-z_]+)"|Flash: +"([a-z_.]+)"`)
	// The store names missing and duplicate records by kind.
	storeKey := regexp.MustCompile(`notFound\(err, "([a-z_]+)"\)|conflict\(err, "([a-z_]+)"\)`)
	filepath.WalkDir("..", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return err
		}
		b, _ := os.ReadFile(p)
		for _, m := range storeKey.FindAllStringSubmatch(string(b), -1) {
			if m[1] != "" {
				keys[m[1]+".not_found"] = p
			}
			if m[2] != "" {
				keys[m[2]+".exists"] = p
			}
		}
		for _, m := range goKey.FindAllStringSubmatch(string(b), -1) {
			for _, k := range m[1:] {
				if k != "" && !strings.HasPrefix(k, "sqlstore.") {
					keys[k] = p
				}
			}
		}
		return nil
	})
	for _, r := range append(identity.StaffRoles, identity.RoleCitizen, identity.RoleEnterpriseAgent) {
		keys["role."+string(r)] = "identity roles"
	}
	for _, f := range []identity.Face{identity.FacePortal, identity.FaceWorkbench, identity.FaceCockpit} {
		keys["face."+string(f)] = "identity faces"
	}
	if len(keys) < 50 {
		t.Fatalf("found only %d keys: the scan is broken", len(keys))
	}
	for k, where := range keys {
		for _, lang := range i18n.Supported {
			if !msgs.Has(lang, k) {
				t.Errorf("%s: key %q has no %s text", where, k, lang)
			}
		}
	}
	zh, en := msgs.Keys(i18n.ZhCN), msgs.Keys(i18n.En)
	if strings.Join(zh, ",") != strings.Join(en, ",") {
		t.Errorf("zh-CN and en catalogs have different keys")
	}
}

package shot

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

func TestShot(t *testing.T) {
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath("/usr/bin/chromium"), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1600, 1100))
	actx, c1 := chromedp.NewExecAllocator(context.Background(), opts...)
	defer c1()
	ctx, c2 := chromedp.NewContext(actx)
	defer c2()
	ctx, c3 := context.WithTimeout(ctx, 60*time.Second)
	defer c3()
	err := chromedp.Do(ctx,
		chromedp.Navigate("http://127.0.0.1:18091/login"),
		chromedp.SendKeys(chromedp.CSS(`input[name="username"]`), os.Getenv("SHOT_USER")),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), "digigov2026"),
		chromedp.Submit(chromedp.CSS(`input[name="password"]`)),
		chromedp.Sleep(time.Second),
		chromedp.Navigate(os.Getenv("SHOT_URL")),
		chromedp.Sleep(3*time.Second),
	)
	if err != nil {
		t.Fatal(err)
	}
	st, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.getElementById("cockpit")||{dataset:{}}).dataset.map + " updates=" + (document.getElementById("cockpit")||{dataset:{}}).dataset.updates`))
	t.Log("state:", st)
	buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(os.Getenv("SHOT_OUT"), buf, 0o644)
}

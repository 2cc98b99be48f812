// Command opendata generates a realistic open-data catalog (100,000
// datasets by default, over the real bodies of Guangdong's 21 cities and
// the province) and measures, over HTTP on the loopback:
//
//   - CKAN package_search: p50/p99 of a mix of queries (words, filters,
//     facets, deep pages), against status_show in the same run;
//   - the exchange API with the message log written: calls per second from
//     concurrent clients, against status_show at the same concurrency;
//   - DCAT streaming of the whole catalog: bytes sent and the peak growth
//     of the heap while it streams.
//
// Usage: go run ./bench/opendata [-n 100000] [-rounds 2000] [-workers 16] [-secs 10] [-dir DIR] [-db postgres://…]
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/digigov/digigov/internal/app"
	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/config"
	"github.com/digigov/digigov/internal/datashare"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/opendata"
)

// department is a kind of body with the datasets it typically opens.
type department struct {
	key, name, theme string
	titles           []string
	tags             []string
}

var departments = []department{
	{"hrss", "人力资源和社会保障局", "social-security", []string{"社会保险参保单位统计", "职业技能培训机构名录", "就业困难人员认定统计", "技能人才评价机构", "劳动保障监察案件统计", "人力资源服务机构名录", "创业担保贷款发放情况"}, []string{"社保", "就业", "培训"}},
	{"transport", "交通运输局", "transport", []string{"公交线路站点信息", "出租汽车企业名录", "道路运输经营许可", "公共停车场信息", "港口码头泊位信息", "公路桥梁隧道信息", "网约车平台公司许可"}, []string{"公交", "停车", "道路"}},
	{"health", "卫生健康委员会", "health", []string{"医疗机构名录", "执业医师注册信息", "疫苗接种门诊", "妇幼保健服务机构", "基层医疗卫生机构统计", "献血点信息", "养老机构医疗服务"}, []string{"医院", "卫生", "疫苗"}},
	{"education", "教育局", "education", []string{"中小学校名录", "幼儿园信息", "民办学校审批信息", "义务教育招生计划", "校外培训机构白名单", "教育经费统计"}, []string{"学校", "招生", "教育"}},
	{"market_regulation", "市场监督管理局", "market", []string{"企业登记信息", "食品经营许可", "特种设备使用登记", "产品质量抽检结果", "药品零售企业名录", "个体工商户登记"}, []string{"企业", "食品安全", "抽检"}},
	{"natural_resources", "规划和自然资源局", "environment", []string{"国有建设用地供应", "不动产登记机构", "地质灾害隐患点", "土地利用现状统计", "测绘资质单位名录"}, []string{"土地", "规划", "地质"}},
	{"ecology", "生态环境局", "environment", []string{"空气质量监测数据", "重点排污单位名录", "饮用水水源地水质", "建设项目环评审批", "噪声监测数据"}, []string{"空气", "水质", "环保"}},
	{"civil_affairs", "民政局", "society", []string{"养老机构名录", "社会组织登记信息", "婚姻登记机关", "最低生活保障统计", "殡葬服务机构"}, []string{"养老", "社会组织", "低保"}},
	{"housing", "住房和城乡建设局", "housing", []string{"商品房预售许可", "保障性住房项目", "建筑业企业资质", "物业服务企业名录", "城市更新项目"}, []string{"住房", "建筑", "物业"}},
	{"housing_fund", "住房公积金管理中心", "housing", []string{"住房公积金缴存统计", "公积金贷款发放统计", "公积金业务网点"}, []string{"公积金"}},
	{"medical_security", "医疗保障局", "social-security", []string{"定点医药机构名录", "医保药品目录", "医疗服务价格项目", "医保基金收支统计"}, []string{"医保", "药品"}},
	{"public_security", "公安局", "safety", []string{"户政业务办理网点", "交通违法处理点", "出入境办证大厅", "机动车检测站名录"}, []string{"户籍", "出入境", "交通安全"}},
	{"culture", "文化广电旅游体育局", "culture", []string{"A级旅游景区名录", "公共图书馆信息", "体育场馆开放信息", "星级饭店名录", "文物保护单位"}, []string{"旅游", "文化", "体育"}},
	{"agriculture", "农业农村局", "agriculture", []string{"农产品价格监测", "农民专业合作社名录", "高标准农田建设", "农业龙头企业名录"}, []string{"农业", "农产品"}},
	{"statistics", "统计局", "economy", []string{"地区生产总值", "规模以上工业增加值", "社会消费品零售总额", "常住人口统计", "居民人均可支配收入"}, []string{"统计", "经济"}},
	{"emergency", "应急管理局", "safety", []string{"应急避难场所", "危险化学品经营许可", "安全生产许可企业", "应急物资储备库"}, []string{"应急", "安全生产"}},
	{"water", "水务局", "environment", []string{"河湖长制信息", "供水企业名录", "排水许可信息", "水库水位监测"}, []string{"水务", "河湖"}},
	{"data", "政务服务和数据管理局", "government", []string{"政务服务事项目录", "政务服务中心窗口信息", "政务服务好差评统计", "一网通办办件量统计"}, []string{"政务服务", "办件"}},
}

var formats = [][]string{{opendata.CSV}, {opendata.CSV, opendata.JSON}, {opendata.CSV, opendata.JSON, opendata.XLSX}}
var frequencies = []string{"daily", "monthly", "quarterly", "yearly", "irregular"}

func main() {
	n := flag.Int("n", 100_000, "datasets to generate")
	rounds := flag.Int("rounds", 2000, "package_search calls to time")
	workers := flag.Int("workers", 16, "concurrent exchange clients")
	secs := flag.Int("secs", 10, "seconds of exchange load")
	dir := flag.String("dir", "", "data directory (default: a temporary one, removed after)")
	dsn := flag.String("db", "", "database DSN (default: SQLite in the data directory)")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile to this file")
	profiled := flag.String("profile", "search", "what the CPU profile covers: search or exchange")
	only := flag.String("only", "", "run one measure only: search, exchange or dcat")
	flag.Parse()
	ctx := context.Background()
	if *dir == "" {
		d, err := os.MkdirTemp("", "digigov-opendata-")
		if err != nil {
			log.Fatal(err)
		}
		defer os.RemoveAll(d)
		*dir = d
	}
	cfg := &config.Config{DataDir: *dir, DB: *dsn, NodeKeyFile: filepath.Join(*dir, "node.key"), LogFormat: "text", LogLevel: "error",
		MaxBodyBytes: 10 << 20}
	if cfg.DB == "" {
		cfg.DB = filepath.Join(*dir, "digigov.db")
	}
	a, err := app.Open(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), "bench")
	if err != nil {
		log.Fatal(err)
	}
	defer a.Close()
	if _, err := a.SeedDemo(ctx); err != nil {
		log.Fatal(err)
	}
	start := time.Now()
	if err := generate(ctx, a, *n); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("generated %d datasets in %s\n", *n, time.Since(start).Round(time.Millisecond))
	h, err := a.Handler()
	if err != nil {
		log.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	srv := &http.Server{Handler: h}
	go srv.Serve(ln)
	defer srv.Close()
	base := "http://" + ln.Addr().String()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}, Timeout: time.Minute}

	t0 := time.Now()
	get(client, base+"/api/3/action/package_search?rows=1") // the index's first load
	fmt.Printf("search index loaded in %s\n", time.Since(t0).Round(time.Millisecond))
	profile := func(what string, run func()) {
		if *cpuprofile == "" || *profiled != what {
			run()
			return
		}
		f, err := os.Create(*cpuprofile)
		if err != nil {
			log.Fatal(err)
		}
		pprof.StartCPUProfile(f)
		run()
		pprof.StopCPUProfile()
		f.Close()
	}
	if *only == "" || *only == "search" {
		profile("search", func() { searchBench(client, base, *rounds) })
	}
	if *only == "" || *only == "exchange" {
		profile("exchange", func() { exchangeBench(ctx, a, client, base, *workers, time.Duration(*secs)*time.Second) })
	}
	if *only == "" || *only == "dcat" {
		dcatBench(&http.Client{}, base, *n) // no time limit: the whole catalog takes a while
	}
}

func get(c *http.Client, u string) (int, int64) {
	resp, err := c.Get(u)
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	n, _ := io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, n
}

// generate imports n datasets, 1,000 per transaction, spread over the
// province's and every city's bodies.
func generate(ctx context.Context, a *app.App, n int) error {
	cities := a.Regions.Children("44")
	type body struct{ org, title, city, code string }
	var bodies []body
	for _, d := range departments {
		bodies = append(bodies, body{"44-" + d.key, "广东省" + d.name, "广东省", "44"})
		for _, c := range cities {
			bodies = append(bodies, body{string(c.Code) + "-" + d.key, c.Name + d.name, c.Name, string(c.Code)})
		}
	}
	rng := rand.New(rand.NewPCG(2026, 11))
	batch := make([]opendata.ImportDataset, 0, 1000)
	for i := range n {
		bi := rng.IntN(len(bodies))
		b, d := bodies[bi], departments[bi/(len(cities)+1)]
		title := d.titles[rng.IntN(len(d.titles))]
		year := 2015 + rng.IntN(12)
		ds := opendata.ImportDataset{
			Name:  fmt.Sprintf("%s-%06d", b.org, i),
			Title: fmt.Sprintf("%s%s（%d年）", b.city, title, year), OrgName: b.org, OrgTitle: b.title,
			Notes:  fmt.Sprintf("%s发布的%s，统计口径为%s行政区域，%d年度数据。", b.title, title, b.city, year),
			Groups: []string{d.theme}, Tags: []string{d.tags[rng.IntN(len(d.tags))], fmt.Sprintf("%d", year)},
			Frequency: frequencies[rng.IntN(len(frequencies))], CreatedAt: time.Date(year, time.Month(1+rng.IntN(12)), 1+rng.IntN(28), 0, 0, 0, 0, time.UTC),
		}
		content := fmt.Sprintf("区域,年度,数量\n%s,%d,%d\n", b.city, year, rng.IntN(10000))
		for _, f := range formats[rng.IntN(len(formats))] {
			ds.Resources = append(ds.Resources, opendata.ImportResource{Name: title, Format: f, Content: content})
		}
		batch = append(batch, ds)
		if len(batch) == cap(batch) || i == n-1 {
			if err := a.OpenData.ImportAs(ctx, audit.System("bench"), batch); err != nil {
				return err
			}
			batch = batch[:0]
		}
	}
	return nil
}

func percentile(d []time.Duration, p float64) time.Duration {
	slices.Sort(d)
	return d[min(len(d)-1, int(float64(len(d))*p))]
}

// searchBench times a mix of package_search calls, one at a time.
func searchBench(c *http.Client, base string, rounds int) {
	queries := []url.Values{
		{"q": {"公交"}},
		{"q": {"医疗机构名录"}, "facet.field": {`["organization","tags","res_format"]`}},
		{"fq": {"organization:4401-transport"}, "rows": {"20"}},
		{"q": {"广州市 养老"}, "fq": {"groups:society"}, "facet.field": {`["groups","organization"]`}},
		{"fq": {"res_format:XLSX tags:2024"}, "sort": {"metadata_modified desc"}, "rows": {"50"}},
		{"q": {"*:*"}, "facet.field": {`["groups","res_format","license_id"]`}, "rows": {"10"}},
		{"q": {"空气质量"}, "start": {"500"}, "rows": {"100"}},
		{"q": {"不存在的数据集"}},
	}
	var times, base0 []time.Duration
	perQuery := make([][]time.Duration, len(queries))
	var found int
	for i := range rounds {
		q := queries[i%len(queries)]
		t := time.Now()
		resp, err := c.Get(base + "/api/3/action/package_search?" + q.Encode())
		if err != nil {
			log.Fatal(err)
		}
		var env struct {
			Success bool
			Result  struct{ Count int }
		}
		json.NewDecoder(resp.Body).Decode(&env)
		resp.Body.Close()
		times = append(times, time.Since(t))
		perQuery[i%len(queries)] = append(perQuery[i%len(queries)], time.Since(t))
		if !env.Success {
			log.Fatalf("package_search %v failed", q)
		}
		found += env.Result.Count
		t = time.Now()
		get(c, base+"/api/3/action/status_show")
		base0 = append(base0, time.Since(t))
	}
	fmt.Printf("package_search, %d calls over %d queries (mean %d hits): p50 %s, p99 %s, max %s\n", rounds, len(queries),
		found/rounds, percentile(times, .5), percentile(times, .99), percentile(times, 1))
	fmt.Printf("  baseline status_show in the same run: p50 %s, p99 %s\n", percentile(base0, .5), percentile(base0, .99))
	for i, q := range queries {
		fmt.Printf("  %-90s p50 %s p99 %s\n", q.Encode(), percentile(perQuery[i], .5), percentile(perQuery[i], .99))
	}
}

// exchangeBench approves the demo's pending request with a high rate,
// collects its credential and calls the exchange from workers clients for
// d, then checks that the log holds every call and verifies.
func exchangeBench(ctx context.Context, a *app.App, c *http.Client, base string, workers int, d time.Duration) {
	caller := func(u string) *identity.Caller {
		user, err := a.Identity.UserByUsername(ctx, u)
		if err != nil {
			log.Fatal(err)
		}
		tok, err := a.Identity.IssueAPIToken(ctx, audit.System("bench"), user.ID, "bench")
		if err != nil {
			log.Fatal(err)
		}
		cl, err := a.Identity.CallerByAPIToken(ctx, tok)
		if err != nil {
			log.Fatal(err)
		}
		return cl
	}
	provider, consumer := caller("cdo_gz"), caller("cdo")
	inbox, err := a.DataShare.Inbox(ctx, provider, datashare.Pending)
	if err != nil || len(inbox) == 0 {
		log.Fatalf("no pending request: %v", err)
	}
	q := inbox[0]
	if _, _, err := a.DataShare.Approve(ctx, provider, q.ID, datashare.ApproveInput{RatePerSec: 10000}); err != nil {
		log.Fatal(err)
	}
	_, cred, err := a.DataShare.Deliver(ctx, consumer, q.ID)
	if err != nil {
		log.Fatal(err)
	}
	load := func(u string, header bool) (int64, int64) {
		var okCalls, bad atomic.Int64
		stop := time.Now().Add(d)
		var wg sync.WaitGroup
		for range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for time.Now().Before(stop) {
					req, _ := http.NewRequest(http.MethodGet, u, nil)
					if header {
						req.Header.Set("X-Exchange-Credential", cred)
					}
					resp, err := c.Do(req)
					if err != nil {
						bad.Add(1)
						continue
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode == 200 {
						okCalls.Add(1)
					} else {
						bad.Add(1)
					}
				}
			}()
		}
		wg.Wait()
		return okCalls.Load(), bad.Load()
	}
	c0 := cpuTime()
	served, refused := load(base+"/exchange/v1/resources/4401-HRSS%2F0001/rows?rows=3", true)
	c1 := cpuTime()
	baseline, _ := load(base+"/api/3/action/status_show", false)
	c2 := cpuTime()
	rate, brate := float64(served)/d.Seconds(), float64(baseline)/d.Seconds()
	fmt.Printf("exchange, %d clients for %s: %.0f calls/s served (%d refused), message log written for each; %.0f µs CPU a call (client included)\n",
		workers, d, rate, refused, float64((c1-c0).Microseconds())/float64(served+refused))
	fmt.Printf("  baseline status_show, same clients: %.0f req/s, %.0f µs CPU a call; exchange at %.0f %% of its rate\n",
		brate, float64((c2-c1).Microseconds())/float64(baseline), 100*rate/brate)
	t := time.Now()
	entries, v, err := a.DataShare.GrantLog(ctx, cred, 1, true)
	if err != nil || !v.OK() || v.Yours != served+refused || len(entries) != 1 {
		log.Fatalf("log check: %v %+v (want %d entries of the grant)", err, v, served+refused)
	}
	fmt.Printf("  log verified: %d entries (hash chain and Ed25519 signatures) in %s\n", v.Checked, time.Since(t).Round(time.Millisecond))
}

// cpuTime is the CPU time this process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// dcatBench streams the whole catalog and samples the heap meanwhile.
func dcatBench(c *http.Client, base string, want int) {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	before, peak := m.HeapAlloc, m.HeapAlloc
	done := make(chan struct{})
	go func() {
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				runtime.GC() // live memory, not garbage waiting for the collector
				runtime.ReadMemStats(&m)
				peak = max(peak, m.HeapAlloc)
			}
		}
	}()
	t := time.Now()
	resp, err := c.Get(base + "/catalog.jsonld?limit=all")
	if err != nil || resp.StatusCode != 200 {
		log.Fatalf("dcat: %v %v", err, resp)
	}
	// Count the datasets as they stream by, and check the document ends.
	var n int64
	datasets, last := 0, byte(0)
	marker := []byte(`"@type":"dcat:Dataset"`)
	buf := make([]byte, 64<<10)
	var tail []byte
	for {
		k, err := resp.Body.Read(buf)
		if k > 0 {
			chunk := append(tail, buf[:k]...)
			datasets += bytes.Count(chunk, marker)
			if len(chunk) >= len(marker) {
				tail = append([]byte(nil), chunk[len(chunk)-len(marker)+1:]...)
			}
			n += int64(k)
			last = buf[k-1]
		}
		if err != nil {
			break
		}
	}
	resp.Body.Close()
	close(done)
	if datasets < want || last != '}' {
		log.Fatalf("dcat: %d datasets streamed (want ≥ %d), last byte %q", datasets, want, last)
	}
	fmt.Printf("DCAT whole catalog: %d datasets, %.1f MB in %s; heap before %.1f MB, peak live-heap growth while streaming %.1f MB (%.1f %% of the document)\n",
		datasets, float64(n)/1e6, time.Since(t).Round(time.Millisecond), float64(before)/1e6, float64(peak-before)/1e6, 100*float64(peak-before)/float64(n))
}

package app

import (
	"context"
	"fmt"
	"math"

	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/sensing"
)

// demoStation is a demonstration station: a real place in each of
// Guangdong's 21 cities, with the metrics its sensors report.
type demoStation struct {
	code, name, region string
	lat, lon           float64
	metrics            []string
}

// demoStations are placed at real places with approximate coordinates
// (WGS-84); the readings they get are invented.
var demoStations = []demoStation{
	{"GZ-TH-RAIN-01", "天河区五山雨量站", "440106001", 23.155, 113.353, []string{"rainfall"}},
	{"GZ-TH-AQ-01", "天河体育中心空气监测站", "440106", 23.137, 113.324, []string{"aqi", "pm25"}},
	{"GZ-YX-CROWD-01", "北京路步行街客流监测点", "440104003", 23.125, 113.269, []string{"crowd_density"}},
	{"GZ-HZ-RIVER-01", "珠江广州水文站（海珠）", "440105", 23.108, 113.303, []string{"river_level"}},
	{"GZ-PY-TRAFFIC-01", "番禺市桥交通监测点", "440113007", 22.938, 113.365, []string{"traffic_index"}},
	{"GZ-NS-RAIN-01", "南沙珠江街雨量站", "440115002", 22.702, 113.594, []string{"rainfall"}},
	{"GZ-BY-FIRE-01", "白云区消防物联网平台", "440111", 23.158, 113.273, []string{"fire_alarms"}},
	{"GZ-CDC", "广州市疾控中心报告点", "4401", 23.129, 113.264, []string{"infections"}},
	{"SZ-FT-AQ-01", "福田园岭空气监测站", "440304002", 22.556, 114.104, []string{"aqi", "pm25"}},
	{"SZ-NS-RAIN-01", "南山南头雨量站", "440305001", 22.545, 113.921, []string{"rainfall"}},
	{"SZ-LG-TRAFFIC-01", "龙岗大道交通监测点", "440307", 22.721, 114.247, []string{"traffic_index"}},
	{"SZ-BA-CROWD-01", "宝安国际机场客流监测点", "440306", 22.639, 113.811, []string{"crowd_density"}},
	{"ZH-XZ-RAIN-01", "香洲前山雨量站", "440402003", 22.254, 113.527, []string{"rainfall"}},
	{"ST-LH-AQ-01", "汕头龙湖空气监测站", "440507", 23.372, 116.717, []string{"aqi", "pm25"}},
	{"FS-NH-RAIN-01", "南海西樵雨量站", "440605122", 22.936, 112.964, []string{"rainfall"}},
	{"FS-SD-RIVER-01", "顺德北江水文站", "440606", 22.806, 113.264, []string{"river_level"}},
	{"SG-ZJ-RIVER-01", "韶关浈江水文站", "440204", 24.804, 113.598, []string{"river_level", "rainfall"}},
	{"JM-XH-RAIN-01", "江门新会雨量站", "440705", 22.521, 113.034, []string{"rainfall"}},
	{"ZJ-CK-AQ-01", "湛江赤坎空气监测站", "440802", 21.266, 110.365, []string{"aqi", "pm25"}},
	{"MM-GZ-RES-01", "高州水库", "440981", 21.957, 110.992, []string{"reservoir_level", "rainfall"}},
	{"ZQ-DZ-RIVER-01", "肇庆西江水文站（端州）", "441202", 23.049, 112.466, []string{"river_level"}},
	{"HZ-HC-RIVER-01", "惠州东江水文站", "441302", 23.111, 114.416, []string{"river_level", "rainfall"}},
	{"HZ-BL-RES-01", "白盆珠水库（惠东）", "441323", 23.088, 115.039, []string{"reservoir_level"}},
	{"MZ-MJ-RAIN-01", "梅江区雨量站", "441402", 24.289, 116.122, []string{"rainfall"}},
	{"SW-HF-AQ-01", "海丰空气监测站", "441521", 22.966, 115.323, []string{"aqi", "pm25"}},
	{"HY-DY-RES-01", "新丰江水库", "441625", 23.773, 114.619, []string{"reservoir_level", "rainfall"}},
	{"YJ-JC-RAIN-01", "阳江江城雨量站", "441702", 21.862, 111.983, []string{"rainfall"}},
	{"QY-YD-RIVER-01", "英德北江水文站", "441881", 24.186, 113.405, []string{"river_level"}},
	{"DG-NC-TRAFFIC-01", "东莞南城交通监测点", "441900004", 23.021, 113.752, []string{"traffic_index"}},
	{"DG-DC-AQ-01", "东莞东城空气监测站", "441900003", 23.035, 113.772, []string{"aqi", "pm25"}},
	{"ZS-SQ-CROWD-01", "中山孙文西路客流监测点", "442000001", 22.519, 113.379, []string{"crowd_density"}},
	{"CZ-XQ-AQ-01", "潮州湘桥空气监测站", "445102", 23.675, 116.628, []string{"aqi", "pm25"}},
	{"JY-RC-RAIN-01", "揭阳榕城雨量站", "445202", 23.535, 116.367, []string{"rainfall"}},
	{"YF-YC-RIVER-01", "云浮西江水文站", "445302", 22.928, 112.044, []string{"river_level"}},
}

// demoBase is a plausible reading of each metric in calm conditions.
var demoBase = map[string]float64{"rainfall": 2, "river_level": 4.2, "reservoir_level": 78, "aqi": 45, "pm25": 22,
	"crowd_density": 0.6, "traffic_index": 3.2, "fire_alarms": 0, "infections": 2}

// seedDemoSensing registers the demo stations and gives them two hours of
// readings every five minutes, ending now; a storm over 天河 and 南沙 and a
// rising 北江 at 英德 raise alerts, so the cockpit has something to show.
func (a *App) seedDemoSensing(ctx context.Context, actor audit.Actor) error {
	for _, d := range demoStations {
		if _, err := a.Sensing.CreateStationAs(ctx, actor, sensing.NewStation{Code: d.code, Name: d.name, Region: d.region,
			Lat: d.lat, Lon: d.lon, Metrics: d.metrics}); err != nil {
			return fmt.Errorf("demo station %s: %w", d.code, err)
		}
	}
	now := a.now().Unix()
	now -= now % 300
	var in []sensing.Input
	for i, d := range demoStations {
		for _, m := range d.metrics {
			for k := 24; k >= 0; k-- {
				at := now - int64(k)*300
				noise := 0.15
				if m == "river_level" || m == "reservoir_level" {
					noise = 0.01 // water levels move slowly
				}
				v := demoBase[m] * (1 + noise*math.Sin(float64(i+k)/3))
				switch {
				case m == "rainfall" && (d.code == "GZ-TH-RAIN-01" || d.code == "GZ-NS-RAIN-01") && k < 6:
					v = 18 + float64(6-k)*7 // 25 … 60 mm/h: yellow to orange
				case m == "river_level" && d.code == "QY-YD-RIVER-01":
					v = 4.5 + float64(24-k)*0.06 // rising 0.72 m/h
				case m == "fire_alarms":
					v = float64((i + k) % 2)
				}
				v = math.Round(v*100) / 100
				in = append(in, sensing.Input{Line: len(in) + 1, Station: d.code, Metric: m, Time: sensing.Time(at), Value: &v})
			}
		}
	}
	rep, err := a.Sensing.IngestAs(ctx, actor, in, nil)
	if err != nil {
		return fmt.Errorf("demo readings: %w", err)
	}
	if len(rep.Rejected) > 0 {
		return fmt.Errorf("demo readings: line %d: %s", rep.Rejected[0].Line, rep.Rejected[0].Reason)
	}
	return nil
}

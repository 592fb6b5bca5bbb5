package kpi

import (
	"strings"
	"testing"
)

func TestReadSmallTalk(t *testing.T) {
	for _, tc := range []struct {
		text string
		want SmallTalk
	}{
		{"cảm ơn", SmallThanks},
		{"Cảm ơn bạn nhiều nhé!", SmallThanks},
		{"cam on a", SmallThanks},
		{"thanks", SmallThanks},
		{"ok", SmallThanks},
		{"xin chào", SmallHello},
		{"chào bot", SmallHello},
		{"Chào anh ạ", SmallHello},
		{"hello", SmallHello},
		{"👍", SmallNoWords},
		{".", SmallNoWords},
		{"???", SmallNoWords},
		{"chào, tiến độ xuất khẩu?", NotSmallTalk},
		{"cảm ơn, xk tháng 3 là bao nhiêu", NotSmallTalk},
		{"xuất khẩu", NotSmallTalk},
		{"bạn", NotSmallTalk},
	} {
		if got := ReadSmallTalk(tc.text); got != tc.want {
			t.Errorf("ReadSmallTalk(%q) = %d; want %d", tc.text, got, tc.want)
		}
	}
}

func TestAsksDefinition(t *testing.T) {
	for _, tc := range []struct {
		text string
		want bool
	}{
		{"IIP là gì?", true},
		{"cách tính chỉ số sản xuất công nghiệp", true},
		{"GRDP gồm những gì", true},
		{"khái niệm kim ngạch xuất khẩu", true},
		{"what is the industrial production index?", true},
		{"what does IIP mean", true},
		{"tiến độ xuất khẩu", false},
		{"xuất khẩu đạt bao nhiêu", false},
		{"what is the export progress?", false},
		{"what are exports so far", false},
	} {
		if got := AsksDefinition(tc.text); got != tc.want {
			t.Errorf("AsksDefinition(%q) = %v; want %v", tc.text, got, tc.want)
		}
	}
}

// Every indicator of the embedded plan explains itself and names where
// the explanation comes from, in both languages.
func TestPlanDefinitions(t *testing.T) {
	p := DefaultPlan()
	for i := range p.Indicators {
		ind := &p.Indicators[i]
		if ind.DefinitionVI == "" || ind.DefinitionEN == "" || ind.DefinitionSource == "" {
			t.Errorf("%s: definition_vi, definition_en and definition_source must all be set", ind.ID)
		}
		if ind.Definition("en") != ind.DefinitionEN || ind.Definition("vi") != ind.DefinitionVI {
			t.Errorf("%s: Definition picks the wrong language", ind.ID)
		}
	}
}

// A number in a question does not make it a report (issue 16, item 6).
func TestIntentNumbersInQuestions(t *testing.T) {
	p := DefaultPlan()
	for _, text := range []string{
		"Chỉ số IIP là gì? 5 bước tính",
		"BÀI 5: TỔNG MỨC BÁN LẺ HÀNG HÓA",
		"Top 10 địa phương có tốc độ tăng trưởng IIP",
		"Cách tính GRDP theo 3 phương pháp",
	} {
		if got := p.Intent(text, "vi"); got != IntentQuestion {
			t.Errorf("Intent(%q) = %d; want IntentQuestion", text, got)
		}
	}
	for _, text := range []string{"xk 520", "xuất khẩu tháng 3 đạt 520"} {
		if got := p.Intent(text, "vi"); got != IntentEither {
			t.Errorf("Intent(%q) = %d; want IntentEither", text, got)
		}
	}
}

func TestParseQuestionOtherScope(t *testing.T) {
	p := DefaultPlan()
	for _, tc := range []struct {
		text, id string
		data     map[string]string
	}{
		{"Tây Ninh tăng trưởng GRDP 9 tháng bao nhiêu?", ErrNotPlanUnit, map[string]string{"place": "Tây Ninh", "indicator": "grdp"}},
		{"kim ngạch xuất khẩu của cả nước", ErrNotPlanUnit, map[string]string{"place": "cả nước", "indicator": "xuat-khau"}},
		{"Top 10 địa phương có tốc độ tăng trưởng IIP", ErrNotPlanUnit, map[string]string{"place": "Top 10 địa phương", "indicator": "iip"}},
		{"GRDP 9 tháng năm 2025 của Gia Lai", ErrNotPlanUnit, map[string]string{"place": "Gia Lai"}},
		{"Thuế suất hàng xuất khẩu", ErrOffTopic, map[string]string{"topic": "Thuế suất", "query": "Thuế suất hàng xuất khẩu"}},
		{"mức bán lẻ giá điện", ErrOffTopic, map[string]string{"topic": "giá"}},
		{"Nhập khẩu nhiều hơn xuất khẩu gọi là gì", ErrOffTopic, map[string]string{"topic": "gọi là gì"}},
		{"xuất khẩu năm 2025", ErrWrongYear, map[string]string{"year": "2025"}},
	} {
		_, err := p.ParseQuestion(tc.text)
		if err == nil {
			t.Errorf("ParseQuestion(%q) = nil error; want %s", tc.text, tc.id)
			continue
		}
		wantError(t, err, tc.id, tc.data)
	}
	// Words that look off-topic but speak of the indicator.
	for _, text := range []string{"GRDP theo giá so sánh là gì", "giá trị xuất khẩu quý 1", "tổng mức bán lẻ hàng hóa 6 tháng",
		"trị giá xuất khẩu 6 tháng", "đánh giá tiến độ xuất khẩu", "households using electricity from the national grid"} {
		if _, err := p.ParseQuestion(text); err != nil {
			t.Errorf("ParseQuestion(%q): %v", text, err)
		}
	}
}

// The plan's own answer offered beside another place's question is asked
// again as the indicator's name and the period's label: they read back.
func TestOwnQuestionReadsBack(t *testing.T) {
	p := DefaultPlan()
	for _, text := range []string{"Tây Ninh tăng trưởng GRDP 9 tháng bao nhiêu?", "IIP tháng 7 của Hà Nội",
		"xuất khẩu quý 2 cả nước", "bán lẻ 6 tháng đầu năm Việt Nam", "nhập khẩu Hà Nội"} {
		_, err := p.ParseQuestion(text)
		e, ok := err.(*Error)
		if !ok || e.ID != ErrNotPlanUnit {
			t.Fatalf("ParseQuestion(%q) = %v; want ErrNotPlanUnit", text, err)
		}
		ind := p.Indicator(e.Data["indicator"])
		own := ind.NameVI
		if e.Data["period"] != "" {
			per, err := ParsePeriodKey(e.Data["period"])
			if err != nil {
				t.Fatal(err)
			}
			own += " " + per.Label("vi")
		}
		q, err := p.ParseQuestion(own)
		if err != nil || q.Indicator != ind || (e.Data["period"] != "" && q.Period.Key() != e.Data["period"]) {
			t.Errorf("%q → %q → %+v, %v", text, own, q, err)
		}
	}
}

// Growth words beside another indicator are that indicator's growth.
func TestQuestionGrowthOfAnother(t *testing.T) {
	p := DefaultPlan()
	for text, want := range map[string]string{
		"tốc độ tăng trưởng IIP quý 2":            "iip",
		"tăng trưởng xuất khẩu 6 tháng bao nhiêu": "xuat-khau",
		"tăng trưởng kinh tế 6 tháng":             "grdp",
		"tốc độ tăng trưởng 9 tháng":              "grdp",
	} {
		q, err := p.ParseQuestion(text)
		if err != nil || q.Indicator.ID != want {
			t.Errorf("ParseQuestion(%q) = %v, %v; want %s", text, q.Indicator, err, want)
		}
	}
}

// A definition question written as a title, every word capitalised, is
// still a definition question: its other words are the article's.
func TestDefinitionTitles(t *testing.T) {
	p := DefaultPlan()
	for text, want := range map[string]string{
		"GRDP Là Gì? Giải Mã Ý Nghĩa và Phương Pháp Tính Tổng Sản Phẩm Trên Địa Bàn": "grdp",
		"Chỉ Số Sản Xuất Công Nghiệp (Index Of Industrial Production - IIP) Là Gì?":  "iip",
		"Cụm Công Nghiệp (Industrial Cluster) Là Gì?":                                "cum-cong-nghiep",
	} {
		q, err := p.ParseQuestion(text)
		if err != nil || q.Indicator.ID != want || !AsksDefinition(text) {
			t.Errorf("ParseQuestion(%q) = %v, %v; want a definition of %s", text, q.Indicator, err, want)
		}
	}
	if _, err := p.ParseQuestion("GRDP Hà Nội là gì"); err == nil {
		t.Errorf("a definition question naming another province is answered")
	}
}

// A plan file's definition is bounded like its other texts.
func TestPlanDefinitionBounded(t *testing.T) {
	line := `definition_source = "Nghị định 68/2017/NĐ-CP về quản lý, phát triển cụm công nghiệp, Điều 2"`
	if !strings.Contains(string(longAn2022), line) {
		t.Fatal("the plan's cluster definition_source moved; update the test")
	}
	src := strings.Replace(string(longAn2022), line, `definition_source = "`+strings.Repeat("x", maxDefinition+1)+`"`, 1)
	_, err := ParsePlan("long.toml", []byte(src))
	if err == nil || !strings.Contains(err.Error(), "definition_source") || !strings.Contains(err.Error(), "at most 1000 characters") {
		t.Fatalf("ParsePlan of a 1001-character definition_source: %v", err)
	}
}

// Typed without marks, the questions of issue 16 come to the same.
func TestQuestionsWithoutMarks(t *testing.T) {
	p := DefaultPlan()
	for text, want := range map[string]string{
		"iip la gi":          "define:iip",
		"cach tinh iip":      "define:iip",
		"grdp gom nhung gi":  "define:grdp",
		"cam on ban nhieu":   "thanks",
		"xin chao":           "hello",
		"xuat khau ca nuoc":  "other-place",
		"xuat khau nam 2025": "other-year",
		"tay ninh tang truong grdp 9 thang bao nhieu": "other-place",
		"thue suat hang xuat khau":                    "off-topic",
		"muc ban le gia dien":                         "off-topic",
		"nhap khau nhieu hon xuat khau goi la gi":     "off-topic",
	} {
		if got := questionOutcome(p, text); got != want {
			t.Errorf("%q: %s; want %s", text, got, want)
		}
	}
}

// Issue 16, second round: the rules the 2023–2026 questions taught.
func TestQuestions2023Rules(t *testing.T) {
	p := DefaultPlan()
	for _, tc := range []struct {
		text, id string
		data     map[string]string
	}{
		// GDP is the country's GRDP: another place, with the plan's GRDP offered.
		{"GDP cả nước quý 3 tăng bao nhiêu", ErrNotPlanUnit, map[string]string{"place": "cả nước", "indicator": "grdp", "period": "2022-07..09"}},
		{"GDP quý 3/2025 tăng bao nhiêu %", ErrNotPlanUnit, map[string]string{"place": "GDP", "indicator": "grdp", "country_figure": "1"}},
		{"tăng trưởng GDP 6 tháng", ErrNotPlanUnit, map[string]string{"place": "GDP", "indicator": "grdp", "country_figure": "1"}},
		// "N địa phương": provinces at large ("địa phương nào" alone may be
		// the plan's own units: TestAskMore).
		{"'Lộ diện' 10 địa phương có chỉ số sản xuất công nghiệp tăng cao nhất", ErrNotPlanUnit, map[string]string{"place": "10 địa phương", "indicator": "iip"}},
		{"Địa phương nào đứng đầu cả nước về xuất khẩu?", ErrNotPlanUnit, map[string]string{"place": "cả nước"}},
		// A topic that is none of the plan's is refused whatever year it names.
		{"Infographic: 10 mặt hàng xuất khẩu chủ lực năm 2024", ErrOffTopic, map[string]string{"topic": "mặt hàng"}},
		// A product group's figure, and a cost, are not the indicator's.
		{"Sau 5 tháng tăng liên tiếp, xuất khẩu dệt may đột ngột giảm mạnh", ErrOffTopic, map[string]string{"topic": "xuất khẩu dệt may"}},
		{"nhập khẩu hàng máy móc quý 2", ErrOffTopic, map[string]string{"topic": "nhập khẩu hàng máy móc"}},
		{"chi phí dịch vụ logistics", ErrOffTopic, map[string]string{"topic": "chi phí"}},
		{"nhập khẩu ô tô nguyên chiếc", ErrOffTopic, map[string]string{"topic": "nhập khẩu ô tô"}},
		{"xuất khẩu của doanh nghiệp FDI", ErrOffTopic, map[string]string{"topic": "xuất khẩu của doanh nghiệp FDI"}},
		{"exports of textiles in Q2", ErrOffTopic, map[string]string{"topic": "exports of textiles"}},
		{"IIP ngành chế biến chế tạo tháng 6", ErrOffTopic, map[string]string{"topic": "IIP ngành chế biến chế tạo"}},
		// "tổng sản phẩm trong nước" is GDP, though it holds GRDP's words.
		{"tổng sản phẩm trong nước 6 tháng đầu năm tăng bao nhiêu", ErrNotPlanUnit, map[string]string{"place": "tổng sản phẩm trong nước", "indicator": "grdp", "period": "2022-01..06"}},
		{"Cơ cấu, tốc độ tăng GRDP của 6 thành phố trực thuộc trung ương", ErrNotPlanUnit, map[string]string{"indicator": "grdp"}},
		// Off-topic words before "là gì" still count.
		{"mức bán lẻ giá điện là gì?", ErrOffTopic, map[string]string{"topic": "giá"}},
	} {
		_, err := p.ParseQuestion(tc.text)
		if err == nil {
			t.Errorf("ParseQuestion(%q) = nil error; want %s", tc.text, tc.id)
			continue
		}
		wantError(t, err, tc.id, tc.data)
	}
	// What GDP is, is no indicator of the plan; GRDP beside GDP is GRDP.
	for _, text := range []string{"GDP là gì?", "Vậy ý nghĩa của GDP là gì, công thức tính như thế nào?", "tổng sản phẩm trong nước là gì"} {
		if _, err := p.ParseQuestion(text); isError(err, ErrNotPlanUnit) || err == nil {
			t.Errorf("ParseQuestion(%q) = %v; want it refused as no indicator", text, err)
		}
	}
	for text, want := range map[string]string{
		"GRDP khác gì so với GDP?": "grdp",
		// Words after "là gì" are the article's, not another topic.
		"Tìm hiểu tổng mức bán lẻ hàng hóa là gì để nâng cao hiểu biết về thị trường bán lẻ": "ban-le",
		"xuất khẩu hàng hóa 6 tháng": "xuat-khau",
		"xuất khẩu hàng tháng":       "xuat-khau",
		"1 tỉnh xuất khẩu":           "xuat-khau",
	} {
		q, err := p.ParseQuestion(text)
		if err != nil || q.Indicator.ID != want {
			t.Errorf("ParseQuestion(%q) = %v, %v; want %s", text, q.Indicator, err, want)
		}
	}
	for _, text := range []string{"GRDP khác gì so với GDP?", "IIP là viết tắt của gì?"} {
		if !AsksDefinition(text) {
			t.Errorf("%q does not ask what the indicator is", text)
		}
	}
	// "có đạt 7% không?" asks whether; it reports nothing.
	if got := p.Intent("tăng trưởng kinh tế năm nay có đạt 7% không?", "vi"); got != IntentQuestion {
		t.Errorf("Intent of a yes-or-no question = %d; want IntentQuestion", got)
	}
	if q, err := p.ParseQuestion("xuất khẩu của Bến Lức quý 1"); err != nil || q.Indicator.ID != "xuat-khau" || q.Unit == nil {
		t.Errorf("a unit after \"của\" is no product: %+v, %v", q, err)
	}
	// A ratio and a phrase blocked for its place do not make a report.
	for _, text := range []string{"Quảng Ninh: Tốc độ tăng trưởng kinh tế gấp 1,7 lần mức bình quân chung cả nước",
		"10 tháng năm 2025, tổng vốn FDI đăng ký vào Việt Nam đạt 31,52 tỷ USD",
		"Cơ cấu, tốc độ tăng GRDP của 6 thành phố trực thuộc trung ương"} {
		if got := p.Intent(text, "vi"); got != IntentQuestion {
			t.Errorf("Intent(%q) = %d; want IntentQuestion", text, got)
		}
	}
	for _, text := range []string{"kim ngạch xuất nhập khẩu 6 tháng đạt 5 tỷ USD", "xuất khẩu của Việt Nam tháng 3 đạt 30 tỷ USD"} {
		if got := p.Intent(text, "vi"); got != IntentReport {
			t.Errorf("Intent(%q) = %d; want IntentReport (the reader names what it refuses)", text, got)
		}
	}
	if got := p.Intent("xk 520 tỉnh", "vi"); got != IntentEither {
		t.Errorf(`Intent("xk 520 tỉnh") = %d; want IntentEither: 520 counts no provinces`, got)
	}
	for text, want := range map[string]SmallTalk{"Cảm ơn Sở nhé": SmallThanks, "chúc mừng năm mới": SmallHello, "em chào anh chị": SmallHello} {
		if got := ReadSmallTalk(text); got != want {
			t.Errorf("ReadSmallTalk(%q) = %d; want %d", text, got, want)
		}
	}
}

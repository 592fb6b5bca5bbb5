package chart

import (
	"fmt"
	"image"
	"strings"
	"testing"
	"time"

	"tiendo/bot/kpi"
)

// communePlan is a plan of a merged province: 96 communes and wards with
// long names full of marks, one of them longer than a line's share.
func communePlan(t testing.TB) *kpi.Plan {
	t.Helper()
	words := []string{"Mỹ", "Hạnh", "Đông", "Tây", "Long", "Hựu", "Thạnh", "Lợi", "Bình", "Nhơn", "Phước", "Vĩnh",
		"Khánh", "Hậu", "Nhựt", "Chánh", "Lương", "Hòa", "Thuận", "Đức", "Lập", "Hiệp", "Quới", "Thủy"}
	var b strings.Builder
	b.WriteString(`id = "tay-ninh-2026"
year = 2026
province = "Tây Ninh"
title_vi = "Kế hoạch ngành Công Thương Tây Ninh năm 2026"
title_en = "Tay Ninh industry and trade plan 2026"
[department]
id = "so-cong-thuong"
name = "Sở Công Thương Tây Ninh"
short = "Sở Công Thương"
`)
	for i := range 96 {
		kind := "Xã"
		if i%5 == 0 {
			kind = "Phường"
		}
		short := words[i%len(words)] + " " + words[(i/len(words)+i*7+3)%len(words)] + " " + words[(i*5+11)%len(words)]
		if i == 40 {
			short = "Bình Hòa Nam Thạnh Phước Đông Lợi Hiệp Quới Thủy Khánh Hậu Nhựt Chánh Lương Thuận"
		}
		short = fmt.Sprintf("%s %d", short, i+1) // unique
		fmt.Fprintf(&b, "[[units]]\nid = \"u%d\"\nname = \"%s %s\"\nshort = \"%s\"\naliases = [\"u%d\"]\n", i+1, kind, short, short, i+1)
	}
	b.WriteString(`[[indicators]]
id = "xuat-khau"
name_vi = "Kim ngạch xuất khẩu"
name_en = "Export turnover"
aliases = ["xuất khẩu", "exports"]
kind = "cumulative"
measure = "USD"
scale = "billion"
target = "12_000_000_000"
reporters = "units"
frequency = "monthly"
due_day = 5
`)
	p, err := kpi.ParsePlan("tay-ninh-2026.toml", []byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestRankingOf96Communes: every commune and ward is a row, ranked largest
// first; every name drawn whole; nothing overlaps, nothing leaves the
// picture, which grows with the rows; the letters are as large as the
// other charts'.
func TestRankingOf96Communes(t *testing.T) {
	p := communePlan(t)
	var rs []kpi.Report
	for i, u := range p.Units {
		if i%16 == 15 {
			continue // six have not reported
		}
		for m := 1; m <= 5; m++ {
			rs = append(rs, kpi.Report{Indicator: "xuat-khau", Unit: u.ID, Period: kpi.Month(2026, m),
				Value: kpi.Amount(int64(1+(i*37)%90)*1_000_000) * kpi.AmountScale})
		}
	}
	r := Ranking{Plan: p, Indicator: p.Indicator("xuat-khau"), Reports: rs, Now: time.Date(2026, 6, 10, 9, 0, 0, 0, zone), Lang: "vi", T: textIn(t, "vi")}
	rows := r.Rows()
	if len(rows) != 96 || !rows[0].HasData || rows[95].HasData || rows[89].Rank == 0 {
		t.Fatalf("rows: %d, first %+v, last %+v", len(rows), rows[0], rows[95])
	}
	for i := 1; i < 90; i++ {
		if rows[i].Value > rows[i-1].Value || (rows[i].Value == rows[i-1].Value) != (rows[i].Rank == rows[i-1].Rank) {
			t.Fatalf("row %d %+v after %+v: not ranked", i, rows[i], rows[i-1])
		}
	}
	data, l, err := r.render()
	if err != nil {
		t.Fatal(err)
	}
	look(t, "ranking-96", data)
	if l.Size.X != Width || l.Size.Y < 96*30 {
		t.Errorf("picture %v: not sized to 96 rows", l.Size)
	}
	pic := image.Rectangle{Max: l.Size}
	var boxes []image.Rectangle
	for i, row := range rows {
		if got := strings.Join(l.Texts[fmt.Sprintf("name:%d", i)], " "); got != row.Unit.Short {
			t.Errorf("row %d drawn as %q, want %q", i, got, row.Unit.Short)
		}
		for _, k := range []string{"rank", "name", "bar", "value"} {
			for _, b := range l.Boxes[fmt.Sprintf("%s:%d", k, i)] {
				if !b.In(pic) {
					t.Errorf("row %d %s %v leaves the picture %v", i, k, b, pic)
				}
				boxes = append(boxes, b)
			}
		}
		if n := l.Boxes[fmt.Sprintf("name:%d", i)]; len(n) > 0 && n[0].Dy() < 20 {
			t.Errorf("row %d: letters %d px high", i, n[0].Dy())
		}
	}
	for i, a := range boxes {
		for _, b := range boxes[i+1:] {
			if a.Overlaps(b) {
				t.Fatalf("%v and %v overlap", a, b)
			}
		}
	}
	if !(l.Title.Max.Y <= l.Subtitle.Min.Y) || !strings.Contains(r.Caption(), "90/96 đơn vị có số liệu") {
		t.Errorf("title %v subtitle %v caption %q", l.Title, l.Subtitle, r.Caption())
	}
	checkPictureSized(t, data, Width, l.Size.Y)
}

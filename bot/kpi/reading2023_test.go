package kpi

import (
	"testing"
	"time"
)

// TestReadingRules2023 holds one sentence for each rule the 2023–2026
// development corpus (testdata/corpus2023.toml) led to, each read as a Bến
// Lức reporter would paste it in January 2023: the figures it states, or its
// refusal.
func TestReadingRules2023(t *testing.T) {
	p := DefaultPlan()
	for _, c := range rules2023() {
		t.Run(c.ID, func(t *testing.T) {
			res := readCorpusCase(t, p, c)
			if res.misread || !res.right {
				t.Errorf("%q (%s): %s", c.Text, c.Expect, res.why)
			}
		})
	}
}

// TestReadingRules2023Today: the rules' sentences, which name their
// periods, read the same at today's clock (the README's examples).
func TestReadingRules2023Today(t *testing.T) {
	p := DefaultPlan()
	now := time.Date(2026, time.December, 6, 9, 0, 0, 0, time.FixedZone("ICT", 7*3600))
	for _, c := range rules2023() {
		if c.Expect == "period" {
			continue // the periods offered depend on the clock
		}
		rd, err := p.Read(c.Text, UpdateOptions{Unit: p.Unit("ben-luc"), Lang: "vi", Now: now})
		if c.Expect != "read" {
			if err == nil {
				t.Errorf("%s: %q read at %s; want it refused", c.ID, c.Text, now.Format("2006-01-02"))
			}
			continue
		}
		if err != nil || len(rd.Reports) != len(c.Figures) {
			t.Errorf("%s: %q at %s: %d figures, %v; want %d", c.ID, c.Text, now.Format("2006-01-02"), len(rd.Reports), err, len(c.Figures))
		}
	}
}

// rules2023 is one sentence for each rule of the 2023–2026 corpus.
func rules2023() []corpusCase {
	fig := func(ind, period, value, status, yoy, plan, approx string) corpusFigure {
		return corpusFigure{Indicator: ind, Period: period, Value: value, Status: status, YoY: yoy, Plan: plan, Approx: approx}
	}
	return []corpusCase{{
		// "vượt 29% kế hoạch" is 129% of the plan, not a change of 29%.
		ID: "over-plan", Text: "Năm 2022, kim ngạch xuất khẩu của tỉnh đạt 1,006 tỷ USD, vượt 29% so kế hoạch và tăng 32,4% so cùng kỳ.",
		Expect:  "read",
		Figures: []corpusFigure{fig("xuat-khau", "2022-01..12", "1006000000", "", "32.4", "129", "")},
	}, {
		ID: "over-plan-2", Text: "Năm 2022, kim ngạch xuất khẩu đạt 1,2 tỷ USD, vượt 1,2% kế hoạch.",
		Expect:  "read",
		Figures: []corpusFigure{fig("xuat-khau", "2022-01..12", "1200000000", "", "", "101.2", "")},
	}, {
		// "dự đạt" is a forecast.
		ID: "du-dat", Text: "Tốc độ tăng trưởng GRDP 9 tháng đầu năm 2022 dự đạt 9%.", Expect: "refuse",
	}, {
		// The office of no place that publishes is the country's.
		ID: "cuc-thong-ke-cong-bo", Text: "Theo báo cáo được Cục Thống kê công bố sáng 6/11/2022, chỉ số sản xuất công nghiệp 10 tháng tăng 9,2%.", Expect: "refuse",
	}, {
		ID: "cuc-thong-ke-tinh", Text: "Theo Cục Thống kê tỉnh, chỉ số sản xuất công nghiệp 10 tháng năm 2022 tăng 9,2%.", Expect: "read",
		Figures: []corpusFigure{fig("iip", "2022-01..10", "9.2", "", "", "", "")},
	}, {
		// English: the change from a month earlier is not the value.
		ID: "english-month-earlier", Text: "The index of industrial production (IIP) in August is estimated to have increased by 2.1% from a month earlier and by 11.26% over the same period last year.",
		Expect:  "read",
		Figures: []corpusFigure{fig("iip", "2022-08", "11.26", "estimate", "", "", "")},
	}, {
		// An average of years in brackets is an aside.
		ID: "average-aside", Text: "Năm 2022, GRDP tỉnh ước tăng 10,05% (bình quân 3 năm 2020-2022 tăng trưởng 9,91%).",
		Expect:  "read",
		Figures: []corpusFigure{fig("grdp", "2022-01..12", "10.05", "estimate", "", "", "")},
	}, {
		// "Trong đó, giá trị xuất khẩu …" at the start of what was pasted.
		ID: "trong-do-gia-tri", Text: "Trong đó, giá trị xuất khẩu ước đạt 65,7 tỷ USD, tăng 26,4% trong 9 tháng năm 2022.",
		Expect:  "read",
		Figures: []corpusFigure{fig("xuat-khau", "2022-01..09", "65700000000", "estimate", "26.4", "", "")},
	}, {
		// A period after ";" is the sentence's.
		ID: "semicolon-period", Text: "Kim ngạch xuất khẩu ước đạt 8,46 tỷ USD; nhập khẩu tháng 9 ước đạt 8,6 tỷ USD.",
		Expect: "read",
		Figures: []corpusFigure{fig("xuat-khau", "2022-09", "8460000000", "estimate", "", "", ""),
			fig("nhap-khau", "2022-09", "8600000000", "estimate", "", "", "")},
	}, {
		// A year-to-date said with its own figure is not the earlier one's.
		ID: "own-cumulative", Text: "Xuất khẩu ước đạt 520 triệu USD; nhập khẩu lũy kế 10 tháng năm 2022 đạt 3 tỷ USD.",
		Expect: "period",
		Figures: []corpusFigure{fig("xuat-khau", "?", "520000000", "estimate", "", "", ""),
			fig("nhap-khau", "2022-01..10", "3000000000", "", "", "", "")},
	}, {
		// The parts of a total after "; trong đó" share its status.
		ID: "parts-status", Text: "5 tháng đầu năm 2022, kim ngạch xuất nhập khẩu ước đạt 18,39 tỷ USD; trong đó xuất khẩu đạt 10,81 tỷ USD, nhập khẩu đạt 7,58 tỷ USD.",
		Expect: "read",
		Figures: []corpusFigure{fig("xuat-khau", "2022-01..05", "10810000000", "estimate", "", "", ""),
			fig("nhap-khau", "2022-01..05", "7580000000", "estimate", "", "", "")},
	}, {
		// Places listed after a rank rank; so do those in brackets after "sau".
		ID: "ranked-list", Text: "Năm 2022, GRDP của tỉnh ước đạt 7,36%, đứng thứ 4 khu vực sau các tỉnh Hậu Giang, Trà Vinh và xếp trên các tỉnh Bạc Liêu, Kiên Giang.",
		Expect:  "read",
		Figures: []corpusFigure{fig("grdp", "2022-01..12", "7.36", "estimate", "", "", "")},
	}, {
		ID: "ranked-brackets", Text: "Năm 2022, tăng trưởng GRDP của tỉnh ước đạt 11,03%, đứng thứ 3 toàn quốc (sau Bắc Giang 13,45%, Hậu Giang 12,27%).",
		Expect:  "read",
		Figures: []corpusFigure{fig("grdp", "2022-01..12", "11.03", "estimate", "", "", "")},
	}, {
		ID: "other-province-figure", Text: "Năm 2022, tăng trưởng GRDP của Bắc Giang đạt 13,45%, đứng đầu cả nước.", Expect: "refuse",
	}, {
		// The country's average compared with is not the subject.
		ID: "nation-average", Text: "6 tháng đầu năm 2022, GRDP tỉnh tăng 9,94%, gấp 2,2 lần so mức bình quân chung cả nước.",
		Expect:  "read",
		Figures: []corpusFigure{fig("grdp", "2022-01..06", "9.94", "", "", "", "")},
	}, {
		// The indicator named again before its figure keeps the status.
		ID: "named-again-status", Text: "Ước tính tăng trưởng tổng sản phẩm trên địa bàn (GRDP) năm 2022 của tỉnh đạt 11,02%.",
		Expect:  "read",
		Figures: []corpusFigure{fig("grdp", "2022-01..12", "11.02", "estimate", "", "", "")},
	}, {
		// "bình quân trong 9 tháng" goes on with the subject before it.
		ID: "average-continues", Text: "Tốc độ tăng trưởng kinh tế quý 3/2022 của tỉnh tăng 7,21%; bình quân trong 9 tháng năm 2022 tăng 5,35%.",
		Expect: "read",
		Figures: []corpusFigure{fig("grdp", "2022-07..09", "7.21", "", "", "", ""),
			fig("grdp", "2022-01..09", "5.35", "", "", "", "")},
	}, {
		// "lần lượt": the values and comparisons in the order of the indicators.
		ID: "respectively", Text: "Tháng 6/2022, kim ngạch xuất khẩu và nhập khẩu lần lượt đạt 520 triệu USD và 410 triệu USD, tăng 12% và 8% so với cùng kỳ.",
		Expect: "read",
		Figures: []corpusFigure{fig("xuat-khau", "2022-06", "520000000", "", "12", "", ""),
			fig("nhap-khau", "2022-06", "410000000", "", "8", "", "")},
	}, {
		ID: "respectively-after", Text: "Kim ngạch xuất khẩu, nhập khẩu 6 tháng đầu năm 2022 ước đạt lần lượt 3,1 tỷ USD và 2,4 tỷ USD, tăng lần lượt 12,5% và 9,8%.",
		Expect: "read",
		Figures: []corpusFigure{fig("xuat-khau", "2022-01..06", "3100000000", "estimate", "12.5", "", ""),
			fig("nhap-khau", "2022-01..06", "2400000000", "estimate", "9.8", "", "")},
	}, {
		ID: "respectively-before", Text: "Kim ngạch xuất khẩu và nhập khẩu 6 tháng đầu năm 2022 tăng lần lượt 12% và 8%, đạt 3,1 tỷ USD và 2,4 tỷ USD.",
		Expect: "read",
		Figures: []corpusFigure{fig("xuat-khau", "2022-01..06", "3100000000", "", "12", "", ""),
			fig("nhap-khau", "2022-01..06", "2400000000", "", "8", "", "")},
	}, {
		ID: "respectively-rates", Text: "GRDP và IIP 6 tháng đầu năm 2022 lần lượt tăng 7,5% và 9,2%.",
		Expect: "read",
		Figures: []corpusFigure{fig("grdp", "2022-01..06", "7.5", "", "", "", ""),
			fig("iip", "2022-01..06", "9.2", "", "", "", "")},
	}, {
		// One value for two indicators "respectively" is asked, not guessed.
		ID: "respectively-short", Text: "Tháng 6/2022, kim ngạch xuất khẩu và nhập khẩu lần lượt đạt 520 triệu USD.", Expect: "refuse",
	}, {
		ID: "and-without-respectively", Text: "Tháng 6/2022, kim ngạch xuất khẩu và nhập khẩu đạt 520 triệu USD và 410 triệu USD.", Expect: "refuse",
	}, {
		// Two words glued by copying from a PDF are parted.
		ID: "glued", Text: "6 tháng đầu năm 2022, tổng mứcbán lẻ hàng hóa và doanh thu dịch vụ tiêu dùng đạt 33.404 tỷ đồng.",
		Expect:  "read",
		Figures: []corpusFigure{fig("ban-le", "2022-01..06", "33404000000000", "", "", "", "")},
	}, {
		ID: "glued-2", Text: "Kim ngạchxuất khẩu tháng 5/2022 đạt 520 triệu USD.",
		Expect:  "read",
		Figures: []corpusFigure{fig("xuat-khau", "2022-05", "520000000", "", "", "", "")},
	}, {
		// "tương đương giảm 0,65% GRDP": an equivalent, never the figure.
		ID: "equivalent-signed", Text: "Đầu tháng 9/2022, cơn bão đã gây thiệt hại khoảng 28.034 tỷ đồng tại tỉnh, tương đương giảm 0,65% GRDP của tỉnh.", Expect: "refuse",
	}, {
		// The country's office as the source of the province's figure.
		ID: "office-own-province", Text: "Theo số liệu công bố của Tổng cục Thống kê, tốc độ tăng trưởng kinh tế (GRDP) năm 2022 của Long An tăng 8,42%, đứng thứ 20 cả nước.",
		Expect:  "read",
		Figures: []corpusFigure{fig("grdp", "2022-01..12", "8.42", "", "", "", "")},
	}, {
		ID: "office-country", Text: "Theo số liệu công bố của Tổng cục Thống kê, tốc độ tăng trưởng kinh tế năm 2022 tăng 8,02%.", Expect: "refuse",
	}, {
		// English "increase by", and the long English name.
		ID: "english-gloss", Text: "In the first quarter of 2022, the province's gross regional domestic product (GRDP) is estimated to increase by 8.96% over the same period in 2021.",
		Expect:  "read",
		Figures: []corpusFigure{fig("grdp", "2022-01..03", "8.96", "estimate", "", "", "")},
	}, {
		// Parts in brackets, split by ";", share the total's status and keep
		// their own comparisons.
		ID: "bracket-parts", Text: "Riêng trong tháng 9/2022, kim ngạch xuất nhập khẩu của tỉnh ước đạt 1.240 triệu USD (xuất khẩu 730 triệu USD, tăng 36,96% so với cùng kỳ; nhập khẩu 510 triệu USD, tăng 22,59% so với cùng kỳ).",
		Expect: "read",
		Figures: []corpusFigure{fig("xuat-khau", "2022-09", "730000000", "estimate", "36.96", "", ""),
			fig("nhap-khau", "2022-09", "510000000", "estimate", "22.59", "", "")},
	}, {
		// A bare "kim ngạch" split into exports and imports in brackets.
		ID: "bare-turnover-parts", Text: "Lũy kế 9 tháng đầu năm 2022, kim ngạch ước đạt 9,575 tỷ USD (xuất khẩu ước 5,827 tỷ USD, tăng 2,62% so với cùng kỳ; nhập khẩu ước 3,748 tỷ USD, tăng 16,72%).",
		Expect: "read",
		Figures: []corpusFigure{fig("xuat-khau", "2022-01..09", "5827000000", "estimate", "2.62", "", ""),
			fig("nhap-khau", "2022-01..09", "3748000000", "estimate", "16.72", "", "")},
	}, {
		// The unit that organises a meeting is its source, not the figure's unit.
		ID: "organiser", Text: "Tại buổi họp báo do Sở Công thương tổ chức ngày 03/5/2022, đại diện Sở này cho biết tổng mức bán lẻ hàng hóa và dịch vụ trên địa bàn 4 tháng đầu năm 2022 tại tỉnh đạt 366.947 tỷ đồng, tăng 12% so với cùng kỳ.",
		Expect:  "read",
		Figures: []corpusFigure{fig("ban-le", "2022-01..04", "366947000000000", "", "12", "", "")},
	}, {
		// A contribution to growth is a share, never the growth.
		ID: "contribution", Text: "6 tháng đầu năm 2022, khu vực công nghiệp và xây dựng đóng góp tới 76,40% tăng trưởng kinh tế toàn tỉnh; chỉ số sản xuất công nghiệp 6 tháng đầu năm 2022 tăng 11,13% so cùng kỳ năm trước.",
		Expect:  "read",
		Figures: []corpusFigure{fig("iip", "2022-01..06", "11.13", "", "", "", "")},
	}, {
		ID: "contribution-alone", Text: "Năm 2022, khu vực công nghiệp và xây dựng tăng 11,52%, đóng góp khoảng 67,15% vào mức tăng trưởng của tỉnh.", Expect: "refuse",
	}, {
		// Exports of goods with services are not the plan's goods exports.
		ID: "goods-and-services", Text: "Kim ngạch xuất khẩu hàng hóa và doanh thu dịch vụ 6 tháng đầu năm 2022 ước thực hiện 1.156,271 triệu USD, tăng 7,12% so với cùng kỳ.", Expect: "refuse",
	}, {
		ID: "goods-and-foreign-currency", Text: "Năm 2022 giá trị xuất khẩu hàng hóa và doanh thu ngoại tệ của tỉnh đạt hơn 5,5 tỷ USD, tăng 10,8% so với cùng kỳ.", Expect: "refuse",
	}, {
		// Retail of goods and services, joined by a comma.
		ID: "retail-comma", Text: "Tổng mức bán lẻ hàng hóa, dịch vụ tháng 4/2022 của tỉnh ước đạt 6.762,60 tỷ đồng, tăng 6,93% so cùng kỳ.",
		Expect:  "read",
		Figures: []corpusFigure{fig("ban-le", "2022-04", "6762600000000", "estimate", "6.93", "", "")},
	}, {
		// A name only in brackets after other words names nothing.
		ID: "bracket-name-only", Text: "Ngành chế biến, chế tạo (IIP) tháng 6/2022 tăng 12%.", Expect: "refuse",
	}, {
		// An average per month is never the period's amount.
		ID: "average-after", Text: "Kim ngạch xuất khẩu 6 tháng đầu năm 2022 đạt 3 tỷ USD, bình quân mỗi tháng đạt 500 triệu USD.",
		Expect:  "read",
		Figures: []corpusFigure{fig("xuat-khau", "2022-01..06", "3000000000", "", "", "", "")},
	}, {
		ID: "average-only", Text: "Bình quân trong 6 tháng đầu năm 2022, kim ngạch xuất khẩu mỗi tháng đạt 500 triệu USD.", Expect: "refuse",
	}, {
		ID: "average-per-month", Text: "Kim ngạch xuất khẩu 6 tháng đầu năm 2022 bình quân đạt 500 triệu USD/tháng.", Expect: "refuse",
	}, {
		// The country's average is compared with only after a comparison.
		ID: "nation-average-subject", Text: "6 tháng đầu năm 2022, tốc độ tăng trưởng GRDP bình quân cả nước đạt 6,42%.", Expect: "refuse",
	}, {
		// The office names the country's figure, the province ranked after it.
		ID: "office-province-ranked", Text: "Theo Tổng cục Thống kê, tổng mức bán lẻ hàng hóa và doanh thu dịch vụ tiêu dùng tháng 5/2022 ước đạt 519 ngàn tỷ đồng, Long An xếp thứ 10.", Expect: "refuse",
	}}
}

// TestCountryProductRefusedByName: "GDP cả nước" is the country's product,
// refused naming it, not "no indicator".
func TestCountryProductRefusedByName(t *testing.T) {
	p := DefaultPlan()
	for text, phrase := range map[string]string{
		"Tính chung 6 tháng đầu năm 2022, GDP cả nước tăng 7,52%, mức cao nhất trong suốt giai đoạn 2011 - 2022.": "GDP cả nước",
		"GDP quý II/2022 ước tăng 7,72% so với cùng kỳ năm trước.":                                                "GDP",
		"Tổng sản phẩm trong nước (GDP) quý II/2022 tăng 7,96% so với cùng kỳ năm trước.":                         "Tổng sản phẩm trong nước",
	} {
		_, err := p.Read(text, UpdateOptions{Unit: p.Unit("ben-luc"), Lang: "vi", Now: corpusNow})
		if !isError(err, ErrNotIndicator) || err.(*Error).Data["phrase"] != phrase {
			t.Errorf("Read(%q) = %v; want ErrNotIndicator naming %q", text, err, phrase)
		}
	}
}

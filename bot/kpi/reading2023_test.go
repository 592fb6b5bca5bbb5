package kpi

import "testing"

// TestReadingRules2023 holds one sentence for each rule the 2023–2026
// development corpus (testdata/corpus2023.toml) led to, each read as a Bến
// Lức reporter would paste it in January 2023: the figures it states, or its
// refusal.
func TestReadingRules2023(t *testing.T) {
	p := DefaultPlan()
	fig := func(ind, period, value, status, yoy, plan, approx string) corpusFigure {
		return corpusFigure{Indicator: ind, Period: period, Value: value, Status: status, YoY: yoy, Plan: plan, Approx: approx}
	}
	for _, c := range []corpusCase{{
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
	}} {
		t.Run(c.ID, func(t *testing.T) {
			res := readCorpusCase(t, p, c)
			if res.misread || !res.right {
				t.Errorf("%q (%s): %s", c.Text, c.Expect, res.why)
			}
		})
	}
}

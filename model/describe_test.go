package model

import (
	"testing"
	"time"
)

func TestDescribeRecurrence(t *testing.T) {
	berlin := recurZone(t, "Europe/Berlin")
	// Friday 5 September 2025, 09:00 in Berlin.
	start := time.Date(2025, 9, 5, 9, 0, 0, 0, berlin)
	tests := []struct{ rule, want string }{
		{"FREQ=DAILY", "daily"},
		{"FREQ=DAILY;INTERVAL=3", "every 3 days"},
		{"FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20270301T000000Z", "every Monday and Wednesday until 1 Mar 2027"},
		{"FREQ=WEEKLY;INTERVAL=2;BYDAY=FR;COUNT=10", "every 2 weeks on Friday, 10 times"},
		{"FREQ=WEEKLY", "every Friday"},
		{"FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "every weekday"},
		{"FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TU,WE,TH,FR", "every 2 weeks on weekdays"},
		{"FREQ=MONTHLY;BYDAY=-1FR", "monthly on the last Friday"},
		{"FREQ=MONTHLY", "monthly on the 5th"},
		{"FREQ=MONTHLY;BYMONTHDAY=2,15;COUNT=1", "monthly on the 2nd and 15th, once"},
		{"FREQ=MONTHLY;BYMONTHDAY=-1", "monthly on the last day"},
		{"FREQ=MONTHLY;BYMONTHDAY=1,-1", "monthly on the 1st and last day"},
		{"FREQ=MONTHLY;INTERVAL=2;BYDAY=1SU,-1SU", "every 2 months on the first and last Sunday"},
		{"FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-2", "monthly on the second-to-last weekday"},
		{"FREQ=MONTHLY;BYDAY=TU,WE,TH;BYSETPOS=3", "monthly on the third Tuesday, Wednesday or Thursday"},
		{"FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13", "monthly on Friday falling on the 13th"},
		{"FREQ=MONTHLY;INTERVAL=2;BYDAY=TU", "every 2 months on Tuesdays"},
		{"FREQ=YEARLY", "yearly on 5 September"},
		{"FREQ=YEARLY;BYMONTH=11;BYDAY=4TH", "yearly on the fourth Thursday of November"},
		{"FREQ=YEARLY;BYDAY=20MO", "yearly on the 20th Monday of the year"},
		{"FREQ=YEARLY;BYMONTH=3;BYDAY=TH", "yearly on Thursdays in March"},
		{"FREQ=YEARLY;BYMONTH=6,7;COUNT=10", "yearly on 5 June and July, 10 times"},
		{"FREQ=YEARLY;INTERVAL=3;BYYEARDAY=1,100,200", "every 3 years on day 1, 100 and 200 of the year"},
		{"FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO", "yearly in week 20 on Monday"},
		{"FREQ=DAILY;BYMONTH=1;UNTIL=20270131", "daily in January until 31 Jan 2027"},
		{"FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR", "daily on weekdays"},
		{"FREQ=DAILY;BYHOUR=9,17", "daily at 9:00 and 17:00"},
		{"FREQ=DAILY;BYHOUR=9,10,11,12,13,14,15,16;BYMINUTE=0,20,40", "daily, 24 times a day from 9:00"},
		{"FREQ=HOURLY;INTERVAL=3", "every 3 hours"},
		{"FREQ=MINUTELY;INTERVAL=15;COUNT=6", "every 15 minutes, 6 times"},
		{"FREQ=MINUTELY;INTERVAL=20;BYHOUR=9,10", "every 20 minutes during hour 9 and 10"},
		{"FREQ=SECONDLY", "every second"},
		{"FREQ=DAILY;UNTIL=20270301T080000", "daily until 1 Mar 2027"},
		{"FREQ=FORTNIGHTLY", "repeats: FREQ=FORTNIGHTLY"},
	}
	for _, tt := range tests {
		if got := DescribeRecurrence(tt.rule, start); got != tt.want {
			t.Errorf("DescribeRecurrence(%q) = %q, want %q", tt.rule, got, tt.want)
		}
	}
}

// A UTC UNTIL is shown on the date it has in the series' zone.
func TestDescribeRecurrenceUntilZone(t *testing.T) {
	tokyo := recurZone(t, "Asia/Tokyo")
	start := time.Date(2025, 9, 5, 9, 0, 0, 0, tokyo)
	if got, want := DescribeRecurrence("FREQ=DAILY;UNTIL=20270301T200000Z", start), "daily until 2 Mar 2027"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

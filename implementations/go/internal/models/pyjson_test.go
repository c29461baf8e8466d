package models

import "testing"

func TestOutputJSON(t *testing.T) {
	cases := map[string]string{
		``:                                    `null`,
		`null`:                                `null`,
		`{"reply":"echo: hi","agent_id":"a"}`: `{"agent_id": "a", "reply": "echo: hi"}`,
		`[1,2.50,{"b":[],"a":{}}]`:            `[1, 2.50, {"a": {}, "b": []}]`,
		`"tab\there \u00e9 \u0001"`:           `"tab\there é \u0001"`,
	}
	for in, want := range cases {
		got, err := OutputJSON([]byte(in))
		if err != nil || got != want {
			t.Errorf("OutputJSON(%s) = %s, %v; want %s", in, got, err, want)
		}
	}
}

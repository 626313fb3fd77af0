// posthoggo: one /batch/ posted the way posthog-go's upload() posts it
// (formats.md §2.1): the batch envelope, Content-Type application/json and
// Content-Length, a User-Agent of posthog-go, http.DefaultTransport (which
// honours HTTPS_PROXY and SSL_CERT_FILE).  The body follows
// shared/fixtures/real-clients/devtron-posthog-go-1.5.9.http (--as devtron)
// or a Devsy v1.x capture from posthog-go 1.12.5 (--as devsy, the default).
//
//	posthoggo [--as devsy|devtron] DISTINCT_ID [URL]
//	(URL: https://us.i.posthog.com/batch/)
//
// Prints the status code on the first line, then the reply body; exits 0
// only for 200.  With CLIENT_BODY_OUT=FILE it also writes the body it sent
// there.
package main

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime"
	"time"
)

const defaultEndpoint = "https://us.i.posthog.com/batch/"

// The batch item of posthog-go's CaptureInApi, fields in its order.
type captureItem struct {
	Type             string                 `json:"type"`
	Uuid             string                 `json:"uuid"`
	Library          string                 `json:"library"`
	LibraryVersion   string                 `json:"library_version"`
	Timestamp        time.Time              `json:"timestamp"`
	DistinctId       string                 `json:"distinct_id"`
	Event            string                 `json:"event"`
	Properties       map[string]interface{} `json:"properties"`
	SendFeatureFlags interface{}            `json:"send_feature_flags"`
}

type batch struct {
	ApiKey string        `json:"api_key"`
	Batch  []captureItem `json:"batch"`
}

// A UUIDv4, as posthog-go 1.12's makeUUID.
func uuid4() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err)
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10],
		b[10:])
}

// Write the body to $CLIENT_BODY_OUT, if set.
func saveBody(body []byte) {
	if path := os.Getenv("CLIENT_BODY_OUT"); path != "" {
		if err := os.WriteFile(path, body, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
	}
}

func main() {
	as := "devsy"
	args := os.Args[1:]
	if len(args) >= 2 && args[0] == "--as" {
		as = args[1]
		args = args[2:]
	}
	if len(args) < 1 || len(args) > 2 || (as != "devsy" && as != "devtron") {
		fmt.Fprintln(os.Stderr,
			"usage: posthoggo [--as devsy|devtron] DISTINCT_ID [URL]")
		os.Exit(2)
	}
	id := args[0]
	endpoint := defaultEndpoint
	if len(args) == 2 {
		endpoint = args[1]
	}
	now := time.Now()
	var b batch
	var agent string
	switch as {
	case "devtron":
		// posthog-go 1.5.9 as Devtron's orchestrator uses it.
		agent = "posthog-go/1.5.9"
		b.ApiKey = "cGhjX2R0"
		b.Batch = []captureItem{{
			Type: "capture", Uuid: "", Library: "posthog-go",
			LibraryVersion: "1.5.9", Timestamp: now,
			DistinctId: id, Event: "Heartbeat",
			Properties: map[string]interface{}{
				"$geoip_disable":    true,
				"$lib":              "posthog-go",
				"$lib_version":      "1.5.9",
				"LastLoginTime":     now.Add(-time.Hour),
				"SkippedOnboarding": false,
				"clusterCount":      1,
				"devtronMode":       "FULL",
				"devtronVersion":    "v1",
				"eventType":         "Heartbeat",
				"serverVersion":     "v1.30.0",
				"timestamp":         now,
				"ucid":              id,
				"userCount":         3,
			},
			SendFeatureFlags: false,
		}}
	default:
		// posthog-go 1.12.5 as Devsy's CLI uses it (formats.md §5).
		agent = "posthog-go/1.12.5"
		b.ApiKey = "phc_devsy_test"
		b.Batch = []captureItem{{
			Type: "capture", Uuid: uuid4(), Library: "posthog-go",
			LibraryVersion: "1.12.5", Timestamp: now,
			DistinctId: id, Event: "devsy_cli",
			Properties: map[string]interface{}{
				"command":        "devsy up",
				"version":        "v1.2.0",
				"desktop":        false,
				"is_ci":          false,
				"is_interactive": true,
				"provider":       "docker",
				"source_type":    "git:",
				"ide":            "vscode",
				"os_name":        runtime.GOOS,
				"os_arch":        runtime.GOARCH,
				"timezone":       "UTC",
				"$lib":           "posthog-go",
				"$lib_version":   "1.12.5",
				"$go_version":    runtime.Version(),
				"$geoip_disable": true,
			},
			SendFeatureFlags: false,
		}}
	}
	body, err := json.Marshal(b)
	if err != nil {
		panic(err)
	}
	saveBody(body)
	req, err := http.NewRequest("POST", endpoint, bytes.NewReader(body))
	if err != nil {
		panic(err)
	}
	req.Header.Add("User-Agent", agent)
	req.Header.Add("Content-Type", "application/json")
	req.Header.Add("Content-Length", fmt.Sprintf("%d", len(body)))
	client := &http.Client{Transport: http.DefaultTransport,
		Timeout: 10 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		fmt.Fprintln(os.Stderr, "posthoggo:", err)
		os.Exit(1)
	}
	defer resp.Body.Close()
	reply, _ := io.ReadAll(resp.Body)
	fmt.Println(resp.StatusCode)
	os.Stdout.Write(reply)
	if resp.StatusCode != http.StatusOK {
		os.Exit(1)
	}
}

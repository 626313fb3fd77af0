// devpodpost: one DevPod CLI event posted the way DevPod's analytics client
// (loft-sh/analytics-client, vendored by DevPod; formats.md §4.1) posts it:
// http.Client{Timeout: 3 * time.Second}.Post(endpoint, "application/json",
// body) on the default transport, so HTTPS_PROXY and SSL_CERT_FILE apply.
// The body has the shape of shared/fixtures/real-clients/
// devpod-analytics-client-2f4c64b.http: properties are JSON in strings,
// timestamps unix seconds.
//
//	devpodpost MACHINE_ID [URL]   (URL: https://analytics.loft.rocks/v1/insert)
//
// Prints the status code on the first line, then the reply body; exits 0
// only for 200 (the client counts anything else as a failure).  With
// CLIENT_BODY_OUT=FILE it also writes the body it sent there, for tests
// that compare it with what arrived.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"
)

const defaultEndpoint = "https://analytics.loft.rocks/v1/insert"

// The JSON text of v, as the client stores properties: in a string.
func jsonString(v interface{}) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
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
	if len(os.Args) < 2 || len(os.Args) > 3 {
		fmt.Fprintln(os.Stderr, "usage: devpodpost MACHINE_ID [URL]")
		os.Exit(2)
	}
	machine := os.Args[1]
	endpoint := defaultEndpoint
	if len(os.Args) == 3 {
		endpoint = os.Args[2]
	}
	now := time.Now().Unix()
	// Event = map[string]map[string]interface{}: Go sorts the keys.
	event := map[string]map[string]interface{}{
		"event": {
			"type":       "devpod_cli",
			"machine_id": machine,
			"timestamp":  now,
			"properties": jsonString(map[string]interface{}{
				"command":        "devpod up",
				"desktop":        false,
				"error":          "exit status 1",
				"ide":            "vscode",
				"is_ci":          false,
				"is_interactive": true,
				"provider":       "docker",
				"source_type":    "git:",
				"version":        "v0.6.15",
			}),
		},
		"user": {
			"machine_id": machine,
			"timestamp":  now,
			"properties": jsonString(map[string]interface{}{
				"os_arch":  "amd64",
				"os_name":  "linux",
				"timezone": "CET",
			}),
		},
	}
	body, err := json.Marshal(struct {
		Data []map[string]map[string]interface{} `json:"data,omitempty"`
	}{Data: []map[string]map[string]interface{}{event}})
	if err != nil {
		panic(err)
	}

	saveBody(body)

	client := &http.Client{Timeout: 3 * time.Second}
	resp, err := client.Post(endpoint, "application/json",
		bytes.NewReader(body))
	if err != nil {
		fmt.Fprintln(os.Stderr, "devpodpost:", err)
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

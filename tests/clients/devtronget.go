// devtronget: the two GETs Devtron's orchestrator makes before it sends
// telemetry (formats.md §3.1): the start-up bootstrap
// GET https://telemetry.devtron.ai/devtron/telemetry/posthogInfo and the
// opt-out check GET .../devtron/telemetry/opt-out/<UCID>, plain GETs on
// http.Client{} (default transport: HTTPS_PROXY and SSL_CERT_FILE apply)
// that want a 2xx and a JSON object.
//
//	devtronget UCID [BASE]   (BASE: https://telemetry.devtron.ai)
//
// Prints one line per GET: the path, the status, the body on one line.
// Exits 0 only if both answered 2xx with a JSON object.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
)

// One GET as Devtron's HttpRequest makes it; whether it was usable.
func get(client *http.Client, base, path string) bool {
	resp, err := client.Get(base + path)
	if err != nil {
		fmt.Printf("%s error %s\n", path, err)
		return false
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Printf("%s %d %s\n", path, resp.StatusCode,
		strings.ReplaceAll(string(body), "\n", " "))
	var obj map[string]interface{}
	return resp.StatusCode >= 200 && resp.StatusCode <= 299 &&
		json.Unmarshal(body, &obj) == nil
}

func main() {
	if len(os.Args) < 2 || len(os.Args) > 3 {
		fmt.Fprintln(os.Stderr, "usage: devtronget UCID [BASE]")
		os.Exit(2)
	}
	base := "https://telemetry.devtron.ai"
	if len(os.Args) == 3 {
		base = strings.TrimRight(os.Args[2], "/")
	}
	client := &http.Client{}
	ok := get(client, base, "/devtron/telemetry/posthogInfo")
	ok = get(client, base, "/devtron/telemetry/opt-out/"+os.Args[1]) && ok
	if !ok {
		os.Exit(1)
	}
}

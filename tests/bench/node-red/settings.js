// Node-RED settings for the benchmark contender: only the runtime and the flow's HTTP endpoint,
// no editor, no admin API, warnings and errors only. start.sh sets NODE_RED_PORT and BACKEND_URL;
// the flow's function nodes read BACKEND_URL with env.get().
const path = require("path");

module.exports = {
    uiHost: "127.0.0.1",
    uiPort: parseInt(process.env.NODE_RED_PORT || "1880", 10),
    userDir: path.join(__dirname, ".node-red"),          // runtime state (gitignored)
    flowFile: path.join(__dirname, "flows.json"),
    // The flow has no credentials: flows_cred.json is an empty set encrypted with this key, as the editor
    // would save it; without both Node-RED warns at every start ("credentials not found/unencrypted").
    credentialSecret: "integrations-bench",
    httpAdminRoot: false,                                // no editor and no admin API
    disableEditor: true,
    httpNodeRoot: "/",
    editorTheme: { projects: {} },                       // neither true nor false: no "Projects disabled" warning
    diagnostics: { enabled: false, ui: false },
    runtimeState: { enabled: false, ui: false },
    telemetry: { enabled: false, updateNotification: false },
    externalModules: { autoInstall: false },
    logging: {
        console: { level: "warn", metrics: false, audit: false }
    },
    functionGlobalContext: {},
    exportGlobalContextKeys: false
};

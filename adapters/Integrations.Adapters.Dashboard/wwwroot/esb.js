// The dashboard's own scripts (small: every page loads them).

// The browser's time zone, so that the dashboard shows dates as the operator's clock reads.
window.esbTimeZone = function () {
    return { id: Intl.DateTimeFormat().resolvedOptions().timeZone || null, offsetMinutes: -new Date().getTimezoneOffset() };
};

// Monaco (about 3 MB) is loaded when the IDE opens, not by every page. Its files are asked for with the package's
// version in their address, so a browser may keep them and still gets new ones after an upgrade.
let monacoLoading = null;
window.esbLoadMonaco = function (version) {
    const script = src => new Promise((resolve, reject) => {
        const element = document.createElement("script");
        element.src = src;
        element.onload = resolve;
        element.onerror = () => reject(new Error("the editor's script " + src + " could not be loaded"));
        document.head.appendChild(element);
    });
    const v = "?v=" + encodeURIComponent(version);
    monacoLoading ??= (async () => {
        await script("_content/BlazorMonaco/jsInterop.js" + v);
        // jsInterop.js configures Monaco's loader through a global "require" object, read when loader.js runs.
        window.require.urlArgs = "v=" + encodeURIComponent(version);
        await script("_content/BlazorMonaco/lib/monaco-editor/min/vs/loader.js" + v);
        await script("_content/BlazorMonaco/lib/monaco-editor/min/vs/editor/editor.main.js" + v);
        // editor.main.js still fetches its parts (texts, styles) before "monaco" exists.
        await new Promise((resolve, reject) => window.require(["vs/editor/editor.main"], resolve, reject));
    })().catch(e => { monacoLoading = null; throw e; });
    return monacoLoading;
};

// The IDE's files: one Monaco model per file (its own text, undo history and markers), kept in this browser's
// localStorage for each user, written on every change so that a reload or a lost connection loses nothing.
window.esbIde = (function () {
    const key = user => "esb.ide.files." + user;
    const uri = name => monaco.Uri.parse("file:///" + encodeURIComponent(name));
    const editor = () => window.blazorMonaco.editor.getEditor("code");
    let user = null;
    let current = null;
    const names = [];

    function save() {
        const files = names.map(name => ({ name, source: monaco.editor.getModel(uri(name)).getValue() }));
        localStorage.setItem(key(user), JSON.stringify({ current, files }));
    }

    function add(name, source) {
        const model = monaco.editor.getModel(uri(name)) ?? monaco.editor.createModel(source, "csharp", uri(name));
        if (!names.includes(name)) {
            names.push(name);
            model.onDidChangeContent(save);
        }
        return model;
    }

    function show(name) {
        current = name;
        const shown = editor().getModel();
        editor().setModel(monaco.editor.getModel(uri(name)));
        // The model the editor was created with is no file.
        if (shown && shown.uri.scheme !== "file") shown.dispose();
        save();
    }

    return {
        // Opens this user's files (or the given ones on a first visit) before the editor is made, so that the
        // editor's first model is a file: answers the names and the file to show.
        open(forUser, firstFiles) {
            if (user !== forUser) {
                names.forEach(name => monaco.editor.getModel(uri(name))?.dispose());
                names.length = 0;
            }
            user = forUser;
            let stored = null;
            try { stored = JSON.parse(localStorage.getItem(key(user))); } catch { stored = null; }
            const files = stored?.files?.length ? stored.files : firstFiles;
            files.forEach(f => add(f.name, f.source));
            current = names.includes(stored?.current) ? stored.current : names[0];
            return { names: [...names], current };
        },
        add(name, source) { add(name, source); show(name); },
        show,
        remove(name) {
            const at = names.indexOf(name);
            if (at < 0 || names.length < 2) return { names: [...names], current };
            names.splice(at, 1);
            if (current === name) show(names[Math.min(at, names.length - 1)]);
            monaco.editor.getModel(uri(name))?.dispose();
            save();
            return { names: [...names], current };
        },
        setMarkers(name, markers) {
            const model = monaco.editor.getModel(uri(name));
            if (!model) return;
            monaco.editor.setModelMarkers(model, "esb", markers.map(m => ({
                startLineNumber: m.line, startColumn: m.column, endLineNumber: m.line, endColumn: model.getLineMaxColumn(m.line),
                message: m.message, severity: monaco.MarkerSeverity.Error,
            })));
        },
    };
})();

window.esbMarkers = function () {
    return monaco.editor.getModelMarkers({ owner: "esb" }).map(m => m.startLineNumber + ": " + m.message);
};

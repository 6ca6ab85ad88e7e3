// Compile errors as markers on their lines in the IDE's editor (one editor on the page).
window.esbSetMarkers = function (markers) {
    const model = monaco.editor.getModels()[0];
    if (!model) return;
    monaco.editor.setModelMarkers(model, "esb", markers.map(m => ({
        startLineNumber: m.line, startColumn: m.column, endLineNumber: m.line, endColumn: model.getLineMaxColumn(m.line),
        message: m.message, severity: monaco.MarkerSeverity.Error,
    })));
};
window.esbMarkers = function () {
    return monaco.editor.getModelMarkers({ owner: "esb" }).map(m => m.startLineNumber + ": " + m.message);
};

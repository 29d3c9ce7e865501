throw new Error('onnxruntime-node is not installed: Aperto runs speech recognition in the browser only.');

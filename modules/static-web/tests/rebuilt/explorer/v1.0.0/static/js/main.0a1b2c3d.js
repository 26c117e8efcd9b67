console.log("explorer v1.0.0 rebuilt")

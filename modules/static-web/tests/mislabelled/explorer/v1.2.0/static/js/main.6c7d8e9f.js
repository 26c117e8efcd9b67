console.log("explorer v1.2.0 x")

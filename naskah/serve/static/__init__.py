"""The API documentation page (HTML, script, style) the service serves: no CDN."""

// range view: the map's rendering and, for a clicked place, its similarity map, on Leaflet's EPSG:4326 (plate carree)
// world, the projection the server draws its overlays in. window.rangeView exposes the state (tests and the console).
(async function () {
  'use strict';
  const world = [[-90, -180], [90, 180]];
  const map = L.map('map', { crs: L.CRS.EPSG4326, minZoom: 0, maxZoom: 9, maxBounds: [[-100, -200], [100, 200]] });
  map.fitBounds(world);
  map.attributionControl.addAttribution('coastlines: Natural Earth');
  const status = document.getElementById('status');
  const panel = document.getElementById('panel');
  L.DomEvent.disableClickPropagation(panel);
  L.DomEvent.disableScrollPropagation(panel);
  const state = { map, ready: false, similarity: null };
  window.rangeView = state;

  function format(value) { return Number(value).toFixed(3); }

  async function json(url) {
    const response = await fetch(url);
    const body = await response.json();
    if (!response.ok) throw new Error(body.error || response.statusText);
    return body;
  }

  try {
    const about = await json('api/map');
    document.getElementById('title').textContent = about.title;
    document.getElementById('about').textContent = about.legend + '; ' + about.destination;
    const embedding = L.imageOverlay('map.png', world, { className: 'range-overlay embedding-overlay' }).addTo(map);
    // Coastlines above every overlay: their own pane over the overlay pane (400), under markers (600).
    map.createPane('coast').style.zIndex = 450;
    const coast = L.polyline(await json('coastlines.json'),
      { pane: 'coast', renderer: L.canvas({ pane: 'coast', padding: 0.5 }), color: '#000', weight: 1, opacity: 0.85, interactive: false }).addTo(map);
    const layers = L.control.layers(null, { 'embedding (PCA as RGB)': embedding, coastlines: coast }, { position: 'topleft' }).addTo(map);
    await new Promise(resolve => embedding.getElement().complete ? resolve() : embedding.once('load', resolve));

    let marker = null;
    let clicks = 0;
    map.on('click', async event => {
      const lon = event.latlng.lng, lat = event.latlng.lat;
      const click = ++clicks;
      status.textContent = 'computing the similarity to ' + format(lon) + ', ' + format(lat) + '…';
      let body;
      try {
        body = await json('api/similarity?lon=' + encodeURIComponent(lon) + '&lat=' + encodeURIComponent(lat));
      } catch (error) {
        if (click === clicks) status.textContent = error.message;
        return;
      }
      if (click !== clicks) return; // a newer click is on its way
      if (state.similarity) { map.removeLayer(state.similarity); layers.removeLayer(state.similarity); }
      const overlay = L.imageOverlay(body.overlay, world, { className: 'range-overlay similarity-overlay' });
      overlay.once('load', () => {
        const image = overlay.getElement();
        image.dataset.loaded = 'true';
        status.textContent = '';
      });
      overlay.addTo(map);
      const image = overlay.getElement();
      image.dataset.lon = String(lon);
      image.dataset.lat = String(lat);
      layers.addOverlay(overlay, 'similarity to ' + format(body.nearestLon) + ', ' + format(body.nearestLat));
      state.similarity = overlay;
      if (marker) map.removeLayer(marker);
      marker = L.circleMarker([body.nearestLat, body.nearestLon], { radius: 7, color: '#fff', weight: 2.5, fill: false, interactive: false }).addTo(map);
      document.getElementById('clicked').textContent = 'clicked lon ' + format(lon) + ', lat ' + format(lat) +
        '; compared with the map point at ' + format(body.nearestLon) + ', ' + format(body.nearestLat) +
        ' (ring); cosine similarity from ' + format(body.min) + ' to ' + format(body.max) + ' (viridis)';
      document.getElementById('similarity-key').src = body.key;
      document.getElementById('similarity').hidden = false;
      document.getElementById('hint').hidden = true;
    });
    state.ready = true;
    document.body.dataset.ready = 'true';
  } catch (error) {
    status.textContent = 'could not load the map: ' + error.message;
  }
})();

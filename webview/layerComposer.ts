// Which composer form a protocol layer gets.
import type { LayerId } from '../shared/decode/decoded';
import type { LayerForm } from './layerFormFields';
import { mqttForm } from './mqttForm';
import { socketIoForm } from './socketIoForm';
import { stompForm } from './stompForm';

export type { LayerForm } from './layerFormFields';

/** The form of `layer`; `onChange` runs on every edit. */
export function createLayerForm(layer: LayerId, onChange: () => void): LayerForm {
  switch (layer) {
    case 'socketio':
      return socketIoForm(onChange);
    case 'mqtt':
      return mqttForm(onChange);
    case 'stomp':
      return stompForm(onChange);
  }
}

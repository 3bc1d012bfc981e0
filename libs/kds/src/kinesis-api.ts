import { controlPlaneActions } from './actions/control-plane.actions';
import { dataPlaneActions } from './actions/data-plane.actions';
import kinesisModelJson from './model/kinesis-2013-12-02.json';

/** Every Kinesis operation of the service model, by its wire name. */
export const kinesisActions = { ...controlPlaneActions, ...dataPlaneActions };

/** The Kinesis service model (botocore's, documentation stripped) that validation is driven by. */
export const kinesisModel: unknown = kinesisModelJson;
